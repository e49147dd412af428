/**
 * The router benchmark: the reference workload through the messaging API (no HTTP), on the
 * SQLite file and on PostgreSQL, with 1 message in flight and with 100 connections sending
 * concurrently; then the same with the DatabaseRouter, 100 in flight. Prints one JSON line
 * per run, after checking every row was written (and, for the DatabaseRouter, every
 * message's status):
 *   {"bench":"router","db":"postgres","inflight":100,"messages":5000,"msgPerSec":N,"p50Ms":N,"p99Ms":N,"cpuUsPerMsg":N,"rowsVerified":true,"router":"blocking"}
 * cpuUsPerMsg is this process's CPU time (the framework's; not the database server's) per
 * message of the measured run: it hardly moves when other processes share the machine.
 * PostgreSQL: a scratch database on RAPIDSMS_BENCH_POSTGRES_URL (default the local server).
 */
import { Host } from '../src/index.js'
import { scratchDatabase } from '../src/testing/index.js'
import { identityOf, postgresUrl, settings, text, verify } from './workload.js'

const WARMUP = 300
const IDENTITIES = 100

async function run(db: 'sqlite' | 'postgres', inflight: 1 | 100, router: 'blocking' | 'database' = 'blocking'): Promise<void> {
  // The DatabaseRouter makes about ten statements per message: fewer messages make as long a run.
  const MESSAGES = router === 'database' ? 2000 : 5000
  const scratch = await scratchDatabase(db === 'postgres' ? postgresUrl : '')
  const host = await Host.start({ ...settings, router, logLevel: 'warn' }, { databaseUrl: scratch.url })
  try {
    const connections = await host.lookupConnections('bench', Array.from({ length: IDENTITIES }, (_, i) => identityOf(i)))
    // Each worker is one conversation: 100 connections sending at once, or one message at a time.
    const send = async (count: number, latencies?: number[]) => {
      let next = 0
      await Promise.all(
        Array.from({ length: inflight }, async () => {
          for (let n = next++; n < count; n = next++) {
            const started = performance.now()
            await host.receive(text(n), connections[n % IDENTITIES]!)
            latencies?.push(performance.now() - started)
          }
        }),
      )
    }
    await send(WARMUP)
    const latencies: number[] = []
    const started = performance.now()
    const cpuBefore = process.cpuUsage()
    await send(MESSAGES, latencies)
    const seconds = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpuBefore)
    const check = await verify(host.db, WARMUP + MESSAGES)
    if (!check.ok) throw new Error(`rows lost: ${JSON.stringify(check)}`)
    if (router === 'database') {
      const statuses = await host.db.orm.em.getConnection().execute<{ direction: string; status: string; n: number }[]>('select direction, status, count(*) as n from db_message group by direction, status')
      const done = statuses.map((r) => `${r.direction}${r.status}:${Number(r.n)}`).sort()
      const expected = [`IR:${WARMUP + MESSAGES}`, `OS:${WARMUP + MESSAGES}`]
      if (done.join() !== expected.join()) throw new Error(`DatabaseRouter statuses ${done.join()}, expected ${expected.join()}`)
    }
    latencies.sort((a, b) => a - b)
    const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 100) / 100
    const line = { bench: 'router', db, inflight, messages: MESSAGES, msgPerSec: Math.round(MESSAGES / seconds), p50Ms: at(0.5), p99Ms: at(0.99), cpuUsPerMsg: Math.round((cpu.user + cpu.system) / MESSAGES), rowsVerified: true, router }
    process.stdout.write(`${JSON.stringify(line)}\n`)
  } finally {
    await host.stop()
    await scratch.dispose()
  }
}

for (const db of ['sqlite', 'postgres'] as const) for (const inflight of [1, 100] as const) await run(db, inflight)
for (const db of ['sqlite', 'postgres'] as const) await run(db, 100, 'database')
