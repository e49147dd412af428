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

/**
 * verify() for when the mix of texts the router took is not known in advance (over HTTP,
 * requests cut off at the end of a run may or may not have been processed): `received`
 * messages, each with its two log rows and exactly the reply its text calls for.
 */
export async function verifyAnyMix(db: Database, received: number): Promise<{ ok: boolean; expected: Record<string, number>; found: Record<string, number> }> {
  const em = db.orm.em.fork()
  const expected: Record<string, number> = { logIn: received, logOut: received, outTotal: received }
  const found: Record<string, number> = {
    logIn: await em.count(Message, { direction: 'I' }),
    logOut: await em.count(Message, { direction: 'O' }),
    outTotal: await em.count(BackendMessage, {}),
  }
  for (let i = 0; i < TEXTS.length; i++) {
    expected[`out${i}`] = await em.count(Message, { direction: 'I', text: TEXTS[i]! })
    found[`out${i}`] = await em.count(BackendMessage, { name: backendName, direction: 'O', text: REPLIES[i]! })
  }
  const ok = Object.keys(expected).every((k) => expected[k] === found[k])
  return { ok, expected, found }
}
