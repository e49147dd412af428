/**
 * The reference workload of the benchmarks: apps messagelog, a PingPong app, handlers
 * (EchoHandler, PingHandler), default; texts cycling `ping`, `echo hello`, `unknown words`.
 * Each message makes 3 rows: its log row, its reply's log row and the database backend's
 * outbound row.
 */
import { PingPong } from '../examples/tutorial/tut/app.js'
import { BackendMessage, DatabaseBackend, type UserSettings } from '../src/index.js'
import { DefaultApp } from '../src/contrib/default/index.js'
import { EchoHandler, PingHandler } from '../src/contrib/echo/index.js'
import { HandlersApp } from '../src/contrib/handlers/index.js'
import { Message, MessageLogApp } from '../src/contrib/messagelog/index.js'
import type { Database } from '../src/models/index.js'

/** The PostgreSQL server the benchmarks make their scratch databases on. */
export const postgresUrl = process.env.RAPIDSMS_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** The backend messages come from and replies go to. */
export const backendName = 'bench'

export const settings: UserSettings = {
  projectName: 'RapidSMS',
  apps: [MessageLogApp, PingPong, HandlersApp, DefaultApp],
  handlers: [EchoHandler, PingHandler],
  backends: { [backendName]: { engine: DatabaseBackend } },
  router: 'blocking',
}

/** The texts sent, in turn, and the reply each gets. */
export const TEXTS = ['ping', 'echo hello', 'unknown words']
export const REPLIES = ['pong', 'hello', 'Sorry, RapidSMS could not understand your message.']

/** The text of the n-th message. */
export function text(n: number): string {
  return TEXTS[n % TEXTS.length]!
}

/** The phone number of the i-th sender. */
export function identityOf(i: number): string {
  return `+2547${String(i).padStart(8, '0')}`
}

/**
 * Were all records of `received` messages (numbered from 0) written, and nothing more?
 * Each message: one incoming and one outgoing log row, one outbound row with the right reply.
 */
export async function verify(db: Database, received: number): Promise<{ ok: boolean; expected: Record<string, number>; found: Record<string, number> }> {
  const em = db.orm.em.fork()
  const expected: Record<string, number> = { logIn: received, logOut: received }
  const found: Record<string, number> = {
    logIn: await em.count(Message, { direction: 'I' }),
    logOut: await em.count(Message, { direction: 'O' }),
  }
  for (let i = 0; i < REPLIES.length; i++) {
    expected[`out${i}`] = Math.floor(received / TEXTS.length) + (i < received % TEXTS.length ? 1 : 0)
    found[`out${i}`] = await em.count(BackendMessage, { name: backendName, direction: 'O', text: REPLIES[i]! })
  }
  found.outTotal = await em.count(BackendMessage, {})
  expected.outTotal = received
  const ok = Object.keys(expected).every((k) => expected[k] === found[k])
  return { ok, expected, found }
}

/** The rows the workload makes, counted: log rows in and out, incoming log rows and replies stored per text. */
export async function rowCounts(db: Database): Promise<Record<string, number>> {
  const em = db.orm.em.fork()
  const counts: Record<string, number> = {
    logIn: await em.count(Message, { direction: 'I' }),
    logOut: await em.count(Message, { direction: 'O' }),
    outTotal: await em.count(BackendMessage, {}),
  }
  for (let i = 0; i < TEXTS.length; i++) {
    counts[`in${i}`] = await em.count(Message, { direction: 'I', text: TEXTS[i]! })
    counts[`out${i}`] = await em.count(BackendMessage, { name: backendName, direction: 'O', text: REPLIES[i]! })
  }
  return counts
}

/**
 * Were the rows stored between two counts (rowCounts) exactly those of `answered` messages,
 * whatever their mix of texts? Each: its two log rows and one reply, the one its text calls
 * for; nothing more.
 */
export function verifyRun(before: Record<string, number>, after: Record<string, number>, answered: number): { ok: boolean; expected: Record<string, number>; found: Record<string, number> } {
  const found = Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)]))
  const expected: Record<string, number> = { logIn: answered, logOut: answered, outTotal: answered }
  for (let i = 0; i < TEXTS.length; i++) {
    expected[`in${i}`] = found[`in${i}`]!
    expected[`out${i}`] = found[`in${i}`]!
  }
  const ok = Object.keys(expected).every((k) => expected[k] === found[k])
  return { ok, expected, found }
}
