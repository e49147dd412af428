/**
 * HTTP benchmark: the reference workload (bench/workload.ts) sent to the generic HTTP
 * backend by autocannon, 64 connections for about 15 s, with the blocking router on
 * PostgreSQL. Server, load generator and PostgreSQL each run in their own processes; the CPU
 * each used during the measured run, the latency spread and the bursts
 * (bench/support/bursts.ts) go to stderr, the figure to stdout as one JSON line.
 *
 * The measured run sends a fixed number of requests (what the warm-up's rate answers in
 * BENCH_DURATION seconds) and waits for every answer, so no request is cut off at its end.
 * Its rows are then checked exactly: the rows stored from the end of the warm-up to the end
 * of the run are those of the run's 2xx answers, one message each, nothing more; a non-2xx
 * answer stored nothing.
 *
 *   npm run bench -- http
 *
 * RAPIDSMS_BENCH_POSTGRES_URL picks the server (default postgres://postgres@127.0.0.1:5432/postgres);
 * BENCH_DURATION and BENCH_CONNECTIONS change the run, BENCH_SERVER_FLAGS and BENCH_LOAD_FLAGS
 * the Node flags of the server and of the load generator (e.g. '--cpu-prof --cpu-prof-dir=prof');
 * BENCH_SERVER_PROFILE=<file> writes the server's CPU profile of the measured run alone;
 * BENCH_TICKER=1 watches for moments when the machine runs nothing of ours (support/ticker.ts).
 *
 * No run at a fixed offered rate: autocannon's rate options are a per-second budget per
 * connection (it sends as fast as it can until the budget is spent, then waits for the next
 * second), and its correction for coordinated omission then assumes a 1 ms interval.
 */
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { createScratchPostgres } from '../src/models/make-migration.js'
import { backendName, postgresUrl, rowCounts, verifyRun } from './workload.js'
import { burstsAfterPauses, burstsAfterPausesByChance } from './support/bursts.js'
import { runLoad, runScript, startBenchServer, workloadDatabase, type BenchServer } from './support/processes.js'

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64)
const DURATION = Number(process.env.BENCH_DURATION ?? 15)
const TICKER = process.env.BENCH_TICKER === '1'
const WARMUP = 3
const TICKS = 100 // clock ticks per second in /proc (USER_HZ)
// The server runs with a larger young generation: a quarter as many scavenges, each longer
// (docs/backends.md, Performance; BENCH_SERVER_FLAGS='' runs it with Node's defaults).
const SERVER_FLAGS = (process.env.BENCH_SERVER_FLAGS ?? '--max-semi-space-size=64').split(' ').filter(Boolean)

interface Stats {
  stats: { received: number; sent: number; sendFailures: number; appErrors: number }
  cpu: NodeJS.CpuUsage
  memory: number
  /** What held the server's event loop up during the run. */
  held: { loopBusy: number; loopDelayP50Ms: number; loopDelayP99Ms: number; loopDelayMaxMs: number; gcPauses: number; gcPauseMs: number; gcPauseMaxMs: number; gcLongPauses: [number, number][] }
}

const log = (line: string) => process.stderr.write(`${line}\n`)

/** Busy and total jiffies of the whole machine. */
function machineCpu(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  const total = fields.reduce((a, b) => a + b, 0)
  return { busy: total - fields[3]! - (fields[4] ?? 0), total }
}

/** CPU seconds (user + system) used so far by processes. */
function processCpu(pids: number[]): number {
  let ticks = 0
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // The process has exited.
    }
  }
  return ticks / TICKS
}

const scratch = await createScratchPostgres(postgresUrl, 'rapidsms_bench')
const dbName = new URL(scratch.url).pathname.slice(1)
let server: BenchServer | undefined
try {
  server = await startBenchServer(scratch.url, SERVER_FLAGS)
  const { port } = server
  const ask = server.ask.bind(server)
  const url = `http://127.0.0.1:${port}/backend/${backendName}/`
  log(`server on ${url} (node ${SERVER_FLAGS.join(' ') || 'with default flags'}); warming up for ${WARMUP} s`)
  const warmup = await runLoad(url, CONNECTIONS, { duration: WARMUP })
  const amount = Math.max(CONNECTIONS, Math.round(warmup.tailRate * DURATION))
  // The rows so far (the warm-up's, those of requests it cut off included), read with the
  // server idle: its 'stats' answer waits for requests in flight and the writer.
  const db = await workloadDatabase(scratch.url)

  const admin = new pg.Client({ connectionString: postgresUrl })
  await admin.connect()
  const pgPids = async () => (await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [dbName])).rows.map((r) => r.pid)

  const cores = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? 1
  log(`measuring: ${amount} requests, about ${DURATION} s at the warm-up's rate`)
  const before = await ask<Stats>('stats')
  const rowsBefore = await rowCounts(db)
  const pgBefore = processCpu(await pgPids())
  const machineBefore = machineCpu()
  // With BENCH_TICKER=1, beside the load, a process that only ticks a timer: its late ticks
  // are moments when the machine did not run it, whatever the server was doing. Off by
  // default: its wake-ups cost CPU (it reports how much).
  const [load, ticker] = await Promise.all([
    runLoad(url, CONNECTIONS, { amount }),
    TICKER ? runScript<{ pauses: [number, number][]; cpu: NodeJS.CpuUsage }>('./ticker.ts', [String(DURATION + 1)]) : undefined,
  ])
  const machineAfter = machineCpu()
  const after = await ask<Stats>('stats')
  const pgAfter = processCpu(await pgPids())
  const rowsAfter = await rowCounts(db)
  await db.close()
  await admin.end()

  const { result, seconds } = load
  const cpuOf = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6
  const serverCpu = (cpuOf(after.cpu) - cpuOf(before.cpu)) / seconds
  const loadCpu = cpuOf(load.cpu) / seconds
  const postgresCpu = (pgAfter - pgBefore) / seconds
  const machineBusy = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)
  const ok2xx = Object.entries(result.statusCodeStats).reduce((n, [code, { count }]) => (code.startsWith('2') ? n + Number(count) : n), 0)
  const others = Math.max(0, machineBusy * cores - serverCpu - loadCpu - postgresCpu)
  log(
    `  CPU during the run (cores busy): server ${serverCpu.toFixed(2)}, load generator ${loadCpu.toFixed(2)}, PostgreSQL ${postgresCpu.toFixed(2)}, ` +
      `other processes ${others.toFixed(2)}; machine ${(machineBusy * 100).toFixed(0)}% busy of ${cores} cores; server CPU per request ${((serverCpu / (ok2xx / seconds)) * 1e6).toFixed(0)} us`,
  )
  const l = result.latency as unknown as Record<string, number>
  log(`  latency ms: p50 ${l.p50}, p90 ${l.p90}, p97.5 ${l.p97_5}, p99 ${l.p99}, p99.9 ${l.p99_9}, max ${l.max}`)
  const { held } = after
  log(`  server event loop busy ${Math.round(held.loopBusy * 100)}% of the time, delay p50 ${held.loopDelayP50Ms} ms, p99 ${held.loopDelayP99Ms} ms, max ${held.loopDelayMaxMs} ms; ${held.gcPauses} GC pauses, ${held.gcPauseMs} ms in all, longest ${held.gcPauseMaxMs} ms`)
  const { bursts, slow, from, to } = load.bursts
  const inBursts = bursts.reduce((n, b) => n + b.slow, 0)
  /** "N (M by chance alone)": the bursts within 50 ms after one of the pauses. */
  const following = (pauses: [number, number][]) => `${burstsAfterPauses(bursts, pauses)} (${burstsAfterPausesByChance(bursts.length, pauses, from, to).toFixed(0)} by chance alone)`
  log(
    `  ${bursts.length} bursts (${(bursts.length / seconds).toFixed(1)}/s) of at least ${Math.ceil(CONNECTIONS / 2)} requests finishing over 20 ms together, ` +
      `holding ${slow ? Math.round((inBursts / slow) * 100) : 0}% of the ${slow} requests over 20 ms; ` +
      `${following(held.gcLongPauses)} came within 50 ms of one of the server's ${held.gcLongPauses.length} GC pauses of 5 ms or more`,
  )
  if (ticker) {
    const longest = Math.max(0, ...ticker.pauses.map(([, length]) => length))
    log(
      `  a process only ticking a timer (itself ${(cpuOf(ticker.cpu) / (DURATION + 1)).toFixed(2)} of a core) was held off the CPU for 5 ms or more ${ticker.pauses.length} times (longest ${longest} ms); ` +
        `${following(ticker.pauses)} of the bursts came within 50 ms of such a pause`,
    )
  }
  log(`  requests answered 2xx ${ok2xx}, errors ${result.errors}, timeouts ${result.timeouts}, server RSS ${(after.memory / 2 ** 20).toFixed(0)} MB`)

  await server.stop()
  const { stats } = after
  // Exact: every request of the run was answered (none cut off), the router took exactly the
  // 2xx ones, and the rows stored meanwhile are exactly theirs.
  const received = after.stats.received - before.stats.received
  const answered = ok2xx + result.non2xx
  const check = verifyRun(rowsBefore, rowsAfter, ok2xx)
  const rowsVerified = check.ok && answered === amount && received === ok2xx && result.errors === 0 && stats.sendFailures === 0 && stats.appErrors === 0
  log(
    `run: ${amount} requests sent, ${ok2xx} answered 2xx and ${result.non2xx} otherwise, ${result.errors} errors; the router took ${received} messages; ` +
      `rows stored during the run ${JSON.stringify(check.found)} (expected ${JSON.stringify(check.expected)})`,
  )

  process.stdout.write(
    `${JSON.stringify({
      bench: 'http',
      router: 'blocking',
      db: 'postgres',
      connections: CONNECTIONS,
      reqPerSec: Math.round(ok2xx / seconds),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      non2xx: result.non2xx,
      // The server's CPU time per request: unlike reqPerSec, it hardly moves when other
      // processes share the machine, so old and new code can be compared on a busy one.
      serverCpuUsPerReq: Math.round((serverCpu / (ok2xx / seconds)) * 1e6),
      rowsVerified,
    })}\n`,
  )
  if (!rowsVerified) process.exitCode = 1
} finally {
  if (server?.process.exitCode === null) server.process.kill()
  await scratch.drop()
}
