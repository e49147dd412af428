/**
 * The reference workload of the benchmarks, as one module so every bench runs the same:
 * the apps, handlers and backends of the project, the messages sent, and how to check that
 * every record was written.
 *
 * Until the contrib apps are merged this is the tutorial's PingPong app and a database
 * backend that also receives over generic HTTP: each "ping" is answered "pong", stored as one
 * row. It becomes messagelog, PingPong, handlers (Echo, Ping) and default afterwards.
 */
import { AppBase, BackendMessage, DatabaseBackend, genericHttpInbound, type IncomingMessage, type UserSettings } from '../src/index.js'
import type { Database } from '../src/models/index.js'

class PingPong extends AppBase {
  override handle(msg: IncomingMessage) {
    if (msg.text === 'ping') {
      msg.respond('pong')
      return true
    }
    return false
  }
}

/** The backend the load is sent to (mounted at /backend/<name>/). */
export const backendName = 'bench'

export const settings: UserSettings = {
  projectName: 'Bench',
  apps: [PingPong],
  backends: { [backendName]: { engine: DatabaseBackend, inbound: genericHttpInbound } },
  router: 'blocking',
}

/** How many phones send; each message comes from one of them. */
export const identities = 2000

/** The text of the n-th message. */
export function text(_n: number): string {
  return 'ping'
}

/**
 * Were all records written? `received` is the number of messages the router took (each
 * answered 200); every one must have produced its reply row, and nothing more.
 */
export async function verify(db: Database, received: number): Promise<{ ok: boolean; rows: number; expected: number }> {
  const rows = await db.orm.em.fork().count(BackendMessage, { name: backendName, direction: 'O', text: 'pong' })
  return { ok: rows === received, rows, expected: received }
}
