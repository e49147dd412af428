/**
 * Bulk benchmark: one sendBulk() of 100,000 recipients (read from a generator, never held
 * as a list) through the generic HTTP backend to a local sink (support/sink-server.ts, its
 * own process), with the project's database on PostgreSQL, then on SQLite. Prints one JSON
 * line per database:
 *   {"bench":"bulk","msgPerSec":N,"recipients":100000,"rssStartMb":N,"rssPeakMb":N,"statusesStored":100000,...}
 * `msgPerSec` is the sending phase's: recipients handed to the backend actor (and answered
 * by the sink, their statuses committed) per second, from the job's `bulk.started` to its
 * `bulk.finished`; storing the recipients first is `loadSeconds`, the whole call
 * `totalSeconds`; `senderCpuUsPerMsg` is the sending process's CPU time for the whole call
 * per recipient (on a machine shared with other work, the figure that depends least on how
 * much of a core the sender got). RSS and heap are sampled every 250 ms (a sample costs
 * the sender about 0.4 ms) from just before the call to its end. The run fails (exit 1)
 * unless every recipient has its `S` row, the sink got exactly one request per recipient,
 * and a second call with the same idempotency key sent nothing.
 *
 *   npm run bench -- bulk
 *
 * The sender runs with a larger young generation, as the HTTP benchmark's server does
 * (docs/backends.md, Performance): BENCH_SENDER_FLAGS changes it ('' for Node's defaults).
 * BENCH_RECIPIENTS (default 100000), BENCH_WINDOW (batches in flight per backend, default
 * the sender's), BENCH_DB (postgres, sqlite: only that one), RAPIDSMS_BENCH_POSTGRES_URL.
 */
import { fork, spawnSync } from 'node:child_process'
import { cpus } from 'node:os'
import { getHeapStatistics } from 'node:v8'
import { fileURLToPath } from 'node:url'
import { Host, HttpBackend, type BulkRecipientInput } from '../src/index.js'
import { DEFAULT_WINDOW } from '../src/runtime/bulk/index.js'
import { scratchDatabase } from '../src/testing/index.js'
import { identityOf, postgresUrl } from './workload.js'

const FLAGS = (process.env.BENCH_SENDER_FLAGS ?? '--max-semi-space-size=64').split(' ').filter(Boolean)
if (process.env.BULK_BENCH_SENDER !== '1') {
  // Each database in a process of its own (so each starts from the same memory), with the sender's flags.
  let status = 0
  for (const db of ['postgres', 'sqlite']) {
    if (process.env.BENCH_DB && process.env.BENCH_DB !== db) continue
    const child = spawnSync(process.execPath, [...FLAGS, '--import', 'tsx', fileURLToPath(import.meta.url)], { stdio: 'inherit', env: { ...process.env, BULK_BENCH_SENDER: '1', BENCH_DB: db } })
    status ||= child.status ?? 1
  }
  process.exit(status)
}

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 100_000)
const WINDOW = Number(process.env.BENCH_WINDOW ?? DEFAULT_WINDOW)
const BATCH = 200
const log = (line: string) => process.stderr.write(`${line}\n`)
const mb = (bytes: number) => Math.round(bytes / 2 ** 20)

interface SinkCount {
  requests: number
  identities: number
  cpu: NodeJS.CpuUsage
}

/** Start the sink; resolves with its port and a way to ask for its count. */
async function startSink() {
  const child = fork(fileURLToPath(new URL('./support/sink-server.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m))
    child.once('exit', (code) => reject(new Error(`sink exited with ${code}`)))
  })
  return {
    port,
    count: () =>
      new Promise<SinkCount>((resolve) => {
        child.once('message', (m: SinkCount) => resolve(m))
        child.send({ type: 'count' })
      }),
    stop: () => child.kill(),
  }
}

function* recipients(count: number): Generator<BulkRecipientInput> {
  for (let i = 0; i < count; i++) yield { backend: 'sink', identity: identityOf(i) }
}

async function run(db: 'postgres' | 'sqlite'): Promise<boolean> {
  const sink = await startSink()
  const scratch = await scratchDatabase(db === 'postgres' ? postgresUrl : '')
  const settings = { logLevel: 'warn' as const, dbRouterBatchSize: BATCH, backends: { sink: { engine: HttpBackend, sendsms_url: `http://127.0.0.1:${sink.port}/send` } } }
  const host = await Host.start(settings, { databaseUrl: scratch.url })
  try {
    let started = 0
    let finished = 0
    host.inspector.on('bulk.started', () => (started = performance.now()))
    host.inspector.on('bulk.finished', () => (finished = performance.now()))
    const before = process.memoryUsage()
    let rssPeak = before.rss
    let heapPeak = before.heapUsed
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss())
      heapPeak = Math.max(heapPeak, getHeapStatistics().used_heap_size)
    }, 250)
    const cpuBefore = process.cpuUsage()
    const sinkBefore = await sink.count()
    const called = performance.now()
    const result = await host.sendBulk('The clinic is closed on Friday; the next vaccination day is Monday.', recipients(RECIPIENTS), { idempotencyKey: `bench-${db}`, window: WINDOW })
    const ended = performance.now()
    clearInterval(sampler)
    const cpu = process.cpuUsage(cpuBefore)
    const after = process.memoryUsage()
    const sinkAfter = await sink.count()
    const [stored] = await host.db.orm.em.getConnection().execute<{ n: number }[]>("select count(*) as n from rapidsms_bulk_recipient where job_id = ? and status = 'S'", [result.jobId])
    const statusesStored = Number(stored!.n)
    const again = await host.sendBulk('The clinic is closed on Friday; the next vaccination day is Monday.', recipients(RECIPIENTS), { idempotencyKey: `bench-${db}` })
    const sinkRepeat = await sink.count()

    const sendingSeconds = (finished - started) / 1000
    const loadSeconds = (started - called) / 1000
    const totalSeconds = (ended - called) / 1000
    const received = sinkAfter.requests - sinkBefore.requests
    const sinkCpu = ((sinkAfter.cpu.user + sinkAfter.cpu.system - sinkBefore.cpu.user - sinkBefore.cpu.system) / 1e6 / totalSeconds).toFixed(2)
    log(
      `${db}: stored ${RECIPIENTS} recipients in ${loadSeconds.toFixed(2)} s, sent them in ${sendingSeconds.toFixed(2)} s; ` +
        `CPU (cores busy) sender ${((cpu.user + cpu.system) / 1e6 / totalSeconds).toFixed(2)}, sink ${sinkCpu}; ` +
        `RSS ${mb(before.rss)} -> peak ${mb(rssPeak)} -> ${mb(after.rss)} MB, heap ${mb(before.heapUsed)} -> peak ${mb(heapPeak)} MB; ` +
        `the sink got ${received} requests for ${sinkAfter.identities - sinkBefore.identities} identities; the repeat: ${JSON.stringify({ status: again.status, handed: again.handed, requests: sinkRepeat.requests - sinkAfter.requests })}`,
    )
    const ok = result.status === 'done' && statusesStored === RECIPIENTS && received === RECIPIENTS && sinkAfter.identities - sinkBefore.identities === RECIPIENTS && again.handed === 0 && sinkRepeat.requests === sinkAfter.requests
    process.stdout.write(
      `${JSON.stringify({
        bench: 'bulk',
        msgPerSec: Math.round(RECIPIENTS / sendingSeconds),
        recipients: RECIPIENTS,
        rssStartMb: mb(before.rss),
        rssPeakMb: mb(rssPeak),
        statusesStored,
        loadSeconds: Math.round(loadSeconds * 100) / 100,
        totalSeconds: Math.round(totalSeconds * 100) / 100,
        heapStartMb: mb(before.heapUsed),
        heapPeakMb: mb(heapPeak),
        senderCpuUsPerMsg: Math.round((cpu.user + cpu.system) / RECIPIENTS),
        sinkRequests: received,
        repeatSent: sinkRepeat.requests - sinkAfter.requests,
        db,
        backend: 'http',
        batchSize: BATCH,
        window: WINDOW,
        rateLimit: null,
        apps: 0,
        nodeFlags: FLAGS.join(' '),
        cores: cpus().length,
      })}\n`,
    )
    if (!ok) log(`${db}: FAILED: job ${result.status}, ${statusesStored} statuses stored, ${received} requests at the sink (expected ${RECIPIENTS} each), the repeat handed ${again.handed}`)
    return ok
  } finally {
    await host.stop()
    await scratch.dispose()
    sink.stop()
  }
}

// The parent above gave this process its one database.
if (!(await run(process.env.BENCH_DB === 'sqlite' ? 'sqlite' : 'postgres'))) process.exitCode = 1
