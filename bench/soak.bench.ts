/**
 * Soak benchmark: the reference workload (bench/workload.ts) POSTed to the generic HTTP
 * backend at half of the capacity measured first, for BENCH_DURATION (default 10 minutes;
 * `60m`, `1h 30m` or a number of seconds), with the blocking router on PostgreSQL. It
 * watches the memory of the edge's process (support/http-server.ts), not its own:
 *
 *   {"bench":"soak","minute":N,"rssMb":N,"heapMb":N}        every minute
 *   {"bench":"soak","rssSlopeMbPerHour":N,...}                at the end
 *
 * The heap is read after a full collection (the server runs with --expose-gc), the RSS at
 * the same moment. The slope is the least-squares line through the minutes after the
 * warm-up (the first sixth of the run, at least 2 minutes): a flat line is a slope well
 * under 5% of the warm RSS per hour. The end line also has the heap's slope, the warm RSS,
 * the rates and whether every answered request's rows were stored, and only those.
 *
 *   npm run bench -- soak
 *   BENCH_DURATION=60m npm run bench -- soak
 *
 * `npm run bench` alone does not run it (see bench/run.js). RAPIDSMS_BENCH_POSTGRES_URL picks
 * the PostgreSQL server; BENCH_SERVER_FLAGS the server's Node flags (default
 * --max-semi-space-size=64, as the HTTP bench).
 *
 * The load is paced, not closed-loop: requests start at an even rate on keep-alive
 * connections (at most BENCH_CONNECTIONS, default 64, in flight), so the server works at half
 * its capacity the whole time instead of as fast as it can.
 */
import { Agent, request } from 'node:http'
import { parseDuration } from '../src/core/duration.js'
import { createScratchPostgres } from '../src/models/make-migration.js'
import { runLoad, startBenchServer, workloadDatabase, type BenchServer } from './support/processes.js'
import { backendName, identityOf, postgresUrl, rowCounts, text, verifyRun } from './workload.js'

const DURATION_MS = durationOf(process.env.BENCH_DURATION ?? '10m')
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64)
const SERVER_FLAGS = ['--expose-gc', ...(process.env.BENCH_SERVER_FLAGS ?? '--max-semi-space-size=64').split(' ').filter(Boolean)]
const CAPACITY_SECONDS = 10
const MINUTE = 60_000
const WARMUP_MINUTES = Math.max(2, Math.round(DURATION_MS / MINUTE / 6))
/** How many phones send (as the HTTP bench's load generator). */
const IDENTITIES = 2000

const log = (line: string) => process.stderr.write(`${line}\n`)
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10

/** BENCH_DURATION: a number of seconds, or a duration such as `10m` or `1h 30m`. */
function durationOf(value: string): number {
  return /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) * 1000 : parseDuration(value)
}

/** The least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length
  if (n < 2) return Number.NaN
  const mx = points.reduce((a, [x]) => a + x, 0) / n
  const my = points.reduce((a, [, y]) => a + y, 0) / n
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0)
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0)
  return sxy / sxx
}

/** Requests at `rate` per second for `ms`, at most `connections` in flight; counts of the answers. */
function pacedLoad(url: string, rate: number, ms: number, connections: number, onMinute: (minute: number) => Promise<void>): Promise<{ sent: number; ok: number; non2xx: number; errors: number; late: number; seconds: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const target = new URL(url)
  const counts = { sent: 0, ok: 0, non2xx: 0, errors: 0, late: 0 }
  let inFlight = 0
  let n = 0
  const started = performance.now()
  return new Promise((resolve) => {
    const send = () => {
      const i = n++
      const body = `identity=${encodeURIComponent(identityOf(i % IDENTITIES))}&text=${encodeURIComponent(text(i))}`
      inFlight++
      counts.sent++
      const req = request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume()
          res.once('end', () => {
            if (res.statusCode && res.statusCode < 300) counts.ok++
            else counts.non2xx++
            finished()
          })
        },
      )
      req.once('error', () => {
        counts.errors++
        finished()
      })
      req.end(body)
    }
    let stopped = false
    const end = () => {
      agent.destroy()
      resolve({ ...counts, seconds: (performance.now() - started) / 1000 })
    }
    const finished = () => {
      inFlight--
      if (stopped && inFlight === 0) end()
    }
    // Every 10 ms, start the requests due by now; those that cannot start (all connections
    // busy: the server fell behind) are counted late and not sent.
    const tick = setInterval(() => {
      const elapsed = performance.now() - started
      if (elapsed >= ms) {
        clearInterval(tick)
        clearInterval(minutes)
        stopped = true
        if (inFlight === 0) end()
        return
      }
      const due = Math.floor((elapsed / 1000) * rate) - n
      for (let k = 0; k < due; k++) {
        if (inFlight >= connections) {
          counts.late += due - k
          n += due - k
          break
        }
        send()
      }
    }, 10)
    let minute = 0
    const minutes = setInterval(() => void onMinute(++minute), MINUTE)
  })
}

const scratch = await createScratchPostgres(postgresUrl, 'rapidsms_soak')
let server: BenchServer | undefined
try {
  server = await startBenchServer(scratch.url, SERVER_FLAGS)
  const url = `http://127.0.0.1:${server.port}/backend/${backendName}/`
  log(`server on ${url} (node ${SERVER_FLAGS.join(' ')}); measuring its capacity for ${CAPACITY_SECONDS} s`)
  await runLoad(url, CONNECTIONS, { duration: 3 })
  const capacity = (await runLoad(url, CONNECTIONS, { duration: CAPACITY_SECONDS })).tailRate
  const rate = Math.max(1, Math.round(capacity / 2))
  log(`capacity ${Math.round(capacity)} requests/s; soaking at ${rate}/s for ${DURATION_MS / MINUTE} minutes (warm-up: the first ${WARMUP_MINUTES})`)

  const db = await workloadDatabase(scratch.url)
  await server.ask('stats')
  const rowsBefore = await rowCounts(db)
  const statsBefore = await server.ask<{ stats: { received: number } }>('stats')
  const samples: { minute: number; rssMb: number; heapMb: number }[] = []
  const sample = async (minute: number) => {
    const { rss, heapUsed } = await server!.ask<{ rss: number; heapUsed: number }>('memory')
    const line = { bench: 'soak', minute, rssMb: mb(rss), heapMb: mb(heapUsed) }
    samples.push(line)
    process.stdout.write(`${JSON.stringify(line)}\n`)
  }
  const load = await pacedLoad(url, rate, DURATION_MS, CONNECTIONS, sample)
  // The last minute's sample, if the end of the load came just before it.
  if (samples.length < Math.floor(DURATION_MS / MINUTE)) await sample(samples.length + 1)
  const after = await server.ask<{ stats: { received: number; sendFailures: number; appErrors: number } }>('stats')
  const rowsAfter = await rowCounts(db)
  await db.close()
  await server.stop()

  const warm = samples.filter((s) => s.minute > WARMUP_MINUTES)
  const perHour = (key: 'rssMb' | 'heapMb') => Math.round(slope(warm.map((s) => [s.minute / 60, s[key]])) * 10) / 10
  const warmRssMb = warm.length ? Math.round((warm.reduce((a, s) => a + s.rssMb, 0) / warm.length) * 10) / 10 : Number.NaN
  const check = verifyRun(rowsBefore, rowsAfter, load.ok)
  const received = after.stats.received - statsBefore.stats.received
  const rowsVerified = check.ok && received === load.ok && load.errors === 0 && after.stats.sendFailures === 0 && after.stats.appErrors === 0
  log(
    `soak: ${load.sent} requests started (${load.late} could not start on time), ${load.ok} answered 2xx, ${load.non2xx} otherwise, ${load.errors} errors; ` +
      `the router took ${received}; rows ${JSON.stringify(check.found)} (expected ${JSON.stringify(check.expected)})`,
  )
  process.stdout.write(
    `${JSON.stringify({
      bench: 'soak',
      rssSlopeMbPerHour: perHour('rssMb'),
      heapSlopeMbPerHour: perHour('heapMb'),
      warmRssMb,
      minutes: samples.length,
      warmupMinutes: WARMUP_MINUTES,
      capacityReqPerSec: Math.round(capacity),
      reqPerSec: Math.round(load.ok / load.seconds),
      non2xx: load.non2xx,
      late: load.late,
      rowsVerified,
      router: 'blocking',
      db: 'postgres',
    })}\n`,
  )
  if (!rowsVerified) process.exitCode = 1
} finally {
  if (server?.process.exitCode === null) server.process.kill()
  await scratch.drop()
}
