/**
 * The dialogues benchmark, on PostgreSQL (a scratch database on RAPIDSMS_BENCH_POSTGRES_URL,
 * default the local server). Four figures, one JSON line each, each checked before it is
 * printed:
 * - msgPerSec: survey replies through the messaging API, 100 conversations in flight, each
 *   message stepping its session and storing it (with its step, its log rows and its reply's
 *   DatabaseBackend row, which under the blocking router join that commit) in one commit;
 *   the session is read from the database only when its conversation is not in memory (its
 *   first message, or the first after connectionIdleMs), otherwise kept by the conversation.
 *   With it cpuUsPerMsg, this process's CPU time per message (the framework's, not the
 *   database server's: it hardly moves when other processes share the machine), and
 *   sqlPerMsg, the statements sent to PostgreSQL per message (each a round trip);
 * - bytesPerIdleSession: heap kept per active session once its connection is idle;
 * - rearmMs: a host starting on 100,000 sessions with pending timers, until its first due
 *   timer has fired and its reminder is sent;
 * - latenessP99Ms: 10,000 reminders falling due within one minute, how late they were sent.
 * Sizes: DIALOGUE_BENCH_MESSAGES (20,000), _IDLE (20,000), _SESSIONS (100,000), _TIMERS
 * (10,000), _WINDOW_S (60). CI runs none of this: test/contrib/dialogues holds the behaviour.
 */
import v8 from 'node:v8'
import pg from 'pg'
import vm from 'node:vm'
import { DefaultApp } from '../src/contrib/default/index.js'
import { beginSession, DialogueApp, sessionLimits } from '../src/contrib/dialogues/index.js'
import { MessageLogApp } from '../src/contrib/messagelog/index.js'
import { DatabaseBackend, Host, type InspectionEvent, type UserSettings } from '../src/index.js'
import { scratchDatabase } from '../src/testing/index.js'
import { survey } from '../examples/dialogues/survey.js'
import { SurveyResponse } from '../examples/dialogues/models.js'
import { migrations as surveyMigrations } from '../examples/dialogues/migrations/index.js'
import { identityOf, postgresUrl } from './workload.js'

const number = (name: string, fallback: number) => Number(process.env[`DIALOGUE_BENCH_${name}`] ?? fallback)
const MESSAGES = number('MESSAGES', 20_000)
const IDLE = number('IDLE', 20_000)
const SESSIONS = number('SESSIONS', 100_000)
const TIMERS = number('TIMERS', 10_000)
const WINDOW_S = number('WINDOW_S', 60)
const INFLIGHT = 100
const CYCLE = ['SURVEY', 'Ann', '30', 'M', 'Kisumu', 'YES']

const settings: UserSettings = {
  projectName: 'Bench',
  apps: [MessageLogApp, DialogueApp, DefaultApp],
  dialogues: [survey],
  entities: [SurveyResponse],
  migrations: surveyMigrations,
  backends: { bench: { engine: DatabaseBackend } },
  logLevel: 'warn',
}

// Every statement goes through pg's Client.query (the writer's pooled clients, MikroORM's knex).
let statements = 0
const query = pg.Client.prototype.query
pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
  statements++
  return (query as (...a: unknown[]) => unknown).apply(this, args)
} as typeof query

const print = (figures: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ bench: 'dialogues', db: 'postgres', ...figures })}\n`)
const count = async (host: Host, sql: string) => Number(((await host.db.orm.em.fork().getConnection().execute(sql)) as { n: unknown }[])[0]!.n)

/** 100 conversations answering the survey over and over; every message steps and stores its session. */
async function throughput(): Promise<void> {
  const scratch = await scratchDatabase(postgresUrl)
  const host = await Host.start(settings, { databaseUrl: scratch.url })
  try {
    const connections = await host.lookupConnections('bench', Array.from({ length: INFLIGHT }, (_, i) => identityOf(i)))
    const run = async (perConversation: number) =>
      Promise.all(connections.map(async (connection) => {
        for (let n = 0; n < perConversation; n++) await host.receive(CYCLE[n % CYCLE.length]!, connection)
      }))
    await run(CYCLE.length) // warm-up: one whole survey each
    const per = Math.ceil(MESSAGES / INFLIGHT / CYCLE.length) * CYCLE.length
    const started = performance.now()
    const cpuBefore = process.cpuUsage()
    const statementsBefore = statements
    await run(per)
    const seconds = (performance.now() - started) / 1000
    await host.db.writer.drain()
    const cpu = process.cpuUsage(cpuBefore)
    const sent = statements - statementsBefore
    const surveys = (per / CYCLE.length + 1) * INFLIGHT
    const completed = await count(host, "select count(*) as n from dialogue_session where status = 'completed'")
    const steps = await count(host, 'select count(*) as n from dialogue_step')
    const unsent = await count(host, 'select count(*) as n from dialogue_step where sent_at is null')
    const responses = await count(host, 'select count(*) as n from survey_response')
    if (completed !== surveys || steps !== surveys * CYCLE.length || unsent !== 0 || responses !== surveys) throw new Error(`sessions not as expected: ${JSON.stringify({ surveys, completed, steps, unsent, responses })}`)
    print({ figure: 'msgPerSec', inflight: INFLIGHT, messages: per * INFLIGHT, msgPerSec: Math.round((per * INFLIGHT) / seconds), cpuUsPerMsg: Math.round((cpu.user + cpu.system) / (per * INFLIGHT)), sqlPerMsg: Math.round((sent / (per * INFLIGHT)) * 100) / 100, sessionsVerified: true })
  } finally {
    await host.stop()
    await scratch.dispose()
  }
}

/** Heap kept per active session once its connection went idle (the sessions are in the database only). */
async function idleMemory(): Promise<void> {
  v8.setFlagsFromString('--expose-gc')
  const gc = vm.runInNewContext('gc') as () => void
  const heap = () => {
    for (let i = 0; i < 3; i++) gc()
    return process.memoryUsage().heapUsed
  }
  const scratch = await scratchDatabase(postgresUrl)
  const host = await Host.start(settings, { databaseUrl: scratch.url })
  try {
    const app = host.getApp(DialogueApp)!
    // Warm up: the code paths and caches a first session brings, before measuring.
    await app.startDialogue('survey', await host.lookupConnections('bench', Array.from({ length: 200 }, (_, i) => identityOf(1_000_000 + i))))
    host.releaseIdleConnections(0)
    await host.db.writer.drain()
    const before = heap()
    for (let i = 0; i < IDLE; i += 1000) {
      const connections = await host.lookupConnections('bench', Array.from({ length: Math.min(1000, IDLE - i) }, (_, k) => identityOf(i + k)))
      await app.startDialogue('survey', connections)
      host.releaseIdleConnections(0)
    }
    await host.db.writer.drain()
    host.releaseIdleConnections(0)
    const after = heap()
    const active = await count(host, "select count(*) as n from dialogue_session where status = 'active'")
    if (active !== IDLE + 200) throw new Error(`${active} active sessions, expected ${IDLE + 200}`)
    print({ figure: 'bytesPerIdleSession', sessions: IDLE, bytesPerIdleSession: Math.max(0, Math.round((after - before) / IDLE)), armedWakeTimes: host.scheduler.armed, liveConnections: host.liveConnections })
  } finally {
    await host.stop()
    await scratch.dispose()
  }
}

/**
 * `sessions` active survey sessions waiting for their name, stored with plain SQL (one
 * statement per 10,000), each with a reminder due at `dueAt(i)` (epoch ms).
 */
async function seedSessions(host: Host, sessions: number, dueAt: (i: number) => number): Promise<void> {
  const limits = sessionLimits(survey, host.settings)
  const { state } = beginSession(survey, undefined, 0, limits)
  const run = (sql: string, params: unknown[] = []) => host.db.orm.em.fork().getConnection().execute(sql, params as never[])
  await host.lookupConnections('bench', [])
  const backend = ((await run("select id from rapidsms_backend where name = 'bench'")) as { id: number }[])[0]!.id
  await run(`insert into rapidsms_connection (backend_id, identity, created_on, modified_on) select ${backend}, 's' || g, now(), now() from generate_series(0, ${sessions - 1}) g`)
  const ids = (await run(`select id from rapidsms_connection where backend_id = ${backend} order by id`)) as { id: number }[]
  const snapshot = JSON.stringify(state.snapshot)
  const reminder = state.timers.find((t) => t.id !== 'dialogue.expire')!
  for (let start = 0; start < sessions; start += 10_000) {
    const rows = ids.slice(start, start + 10_000).map((row, k) => {
      const i = start + k
      const at = dueAt(i)
      const timers = JSON.stringify([{ ...reminder, at }, { id: 'dialogue.expire', event: { type: 'dialogue.expire' }, at: at + 48 * 3_600_000 }])
      return [`${i.toString(16).padStart(32, '0')}`, row.id, timers, new Date(at).toISOString(), new Date(at + 48 * 3_600_000).toISOString()]
    })
    const values = rows.map((_, k) => `($${k * 5 + 1}, $${k * 5 + 2}, 'survey', 'active', '${snapshot}'::jsonb, $${k * 5 + 3}::jsonb, 0, 1, now(), now(), $${k * 5 + 5}::timestamptz, $${k * 5 + 4}::timestamptz)`)
    const client = new pg.Client({ connectionString: (host.db.target as { location: string }).location })
    await client.connect()
    try {
      await client.query(`insert into dialogue_session (id, connection_id, dialogue, status, snapshot, timers, steps, version, started_at, updated_at, expires_at, wake_at) values ${values.join(', ')}`, rows.flat())
    } finally {
      await client.end()
    }
  }
}

/** A host starting on 100,000 sessions with pending timers: until its first due one fired and sent. */
async function rearm(): Promise<void> {
  const scratch = await scratchDatabase(postgresUrl)
  const seeding = await Host.start(settings, { databaseUrl: scratch.url })
  const now = Date.now()
  try {
    // The first is overdue (it fell due while the host was down); the rest over the next hours.
    await seedSessions(seeding, SESSIONS, (i) => (i === 0 ? now - 1000 : now + 60_000 + i * 100))
  } finally {
    await seeding.stop()
  }
  let firstSent!: (at: number) => void
  const sent = new Promise<number>((resolve) => (firstSent = resolve))
  const started = performance.now()
  const host = await Host.start(settings, {
    databaseUrl: scratch.url,
    inspect: (event) => {
      if (event.type === 'session.stepped' && event.event.startsWith('xstate.after.')) firstSent(performance.now())
    },
  })
  try {
    const rearmMs = Math.round((await sent) - started)
    const reminded = await count(host, 'select count(*) as n from dialogue_step where sends::text like \'%Reminder%\'')
    if (reminded !== 1) throw new Error(`${reminded} reminders sent, expected 1`)
    print({ figure: 'rearmMs', sessions: SESSIONS, rearmMs, armedWakeTimes: host.scheduler.armed })
  } finally {
    await host.stop()
    await scratch.dispose()
  }
}

/** 10,000 reminders falling due within a minute: how late each was sent (its step stored, its text handed on). */
async function lateness(): Promise<void> {
  const scratch = await scratchDatabase(postgresUrl)
  const seeding = await Host.start(settings, { databaseUrl: scratch.url })
  // Due from 10 s on: the measuring host has started by then.
  const start = Date.now() + 10_000
  const dueAt = (i: number) => start + Math.floor((i * WINDOW_S * 1000) / TIMERS)
  const due = new Map<string, number>()
  try {
    await seedSessions(seeding, TIMERS, dueAt)
    for (let i = 0; i < TIMERS; i++) due.set(i.toString(16).padStart(32, '0'), dueAt(i))
  } finally {
    await seeding.stop()
  }
  const late: number[] = []
  let all!: () => void
  const done = new Promise<void>((resolve) => (all = resolve))
  const host = await Host.start(settings, {
    databaseUrl: scratch.url,
    inspect: (event: InspectionEvent) => {
      if (event.type !== 'session.stepped' || !event.event.startsWith('xstate.after.')) return
      late.push(Date.now() - due.get(event.sessionId)!)
      if (late.length === TIMERS) all()
    },
  })
  try {
    await done
    // The last steps' texts are being handed on: the fires in flight finish first.
    await host.scheduler.stop()
    await host.db.writer.drain()
    const reminded = await count(host, "select count(*) as n from dialogue_step where sends::text like '%Reminder%' and sent_at is not null")
    if (reminded !== TIMERS) throw new Error(`${reminded} reminders sent, expected ${TIMERS}`)
    late.sort((a, b) => a - b)
    const at = (q: number) => late[Math.min(late.length - 1, Math.floor(q * late.length))]!
    print({ figure: 'latenessP99Ms', timers: TIMERS, windowS: WINDOW_S, latenessP50Ms: at(0.5), latenessP99Ms: at(0.99), latenessMaxMs: late.at(-1), early: late.filter((ms) => ms < 0).length })
  } finally {
    await host.stop()
    await scratch.dispose()
  }
}

/**
 * The same conversations, messages and apps without DialogueApp (the default app answers
 * each): what the host does on this machine now, to read msgPerSec against.
 */
async function baseline(): Promise<void> {
  const scratch = await scratchDatabase(postgresUrl)
  const { dialogues: _, ...plain } = settings
  const host = await Host.start({ ...plain, apps: [MessageLogApp, DefaultApp] }, { databaseUrl: scratch.url })
  try {
    const connections = await host.lookupConnections('bench', Array.from({ length: INFLIGHT }, (_, i) => identityOf(i)))
    const run = (per: number) => Promise.all(connections.map(async (c) => { for (let n = 0; n < per; n++) await host.receive(CYCLE[n % CYCLE.length]!, c) }))
    await run(CYCLE.length)
    const per = Math.ceil(MESSAGES / INFLIGHT / CYCLE.length) * CYCLE.length
    const started = performance.now()
    const cpuBefore = process.cpuUsage()
    const statementsBefore = statements
    await run(per)
    const seconds = (performance.now() - started) / 1000
    await host.db.writer.drain()
    const cpu = process.cpuUsage(cpuBefore)
    const sent = statements - statementsBefore
    const logged = await count(host, "select count(*) as n from messagelog_message where direction = 'I'")
    if (logged !== (per + CYCLE.length) * INFLIGHT) throw new Error(`${logged} messages logged`)
    print({ figure: 'baselineMsgPerSec', inflight: INFLIGHT, messages: per * INFLIGHT, baselineMsgPerSec: Math.round((per * INFLIGHT) / seconds), cpuUsPerMsg: Math.round((cpu.user + cpu.system) / (per * INFLIGHT)), sqlPerMsg: Math.round((sent / (per * INFLIGHT)) * 100) / 100, apps: 'messagelog, default' })
  } finally {
    await host.stop()
    await scratch.dispose()
  }
}

const only = process.env.DIALOGUE_BENCH_ONLY?.split(',')
for (const [name, figure] of Object.entries({ baselineMsgPerSec: baseline, msgPerSec: throughput, bytesPerIdleSession: idleMemory, rearmMs: rearm, latenessP99Ms: lateness })) {
  if (!only || only.includes(name)) await figure()
}
