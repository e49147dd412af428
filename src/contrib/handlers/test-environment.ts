import type { RouterServices } from '../../apps/router.js'
import { defineConfig } from '../../core/config.js'
import { IncomingMessage, OutgoingMessage } from '../../core/messages/index.js'
import { MessageScope } from '../../core/scope.js'
import { coreEntities, coreMigrations, Database, lookupConnectionRows, type MigrationEntry } from '../../models/index.js'
import { getRouter } from '../../router/index.js'
import type { HandlerClass } from './handlers/base.js'

interface SchemaOwner {
  entities?: object[]
  migrations?: MigrationEntry[]
}

const backendNames = new WeakMap<Function, string>()
let backends = 0

function runningRouter(): RouterServices | undefined {
  try {
    return getRouter()
  } catch {
    return undefined
  }
}

/**
 * A light router for one test: a private in-memory SQLite database with the core tables and
 * the handler's own (closed after the test, so nothing keeps the process alive); it sends nothing.
 */
async function openPrivateServices(handler: HandlerClass): Promise<RouterServices> {
  const own = handler as unknown as SchemaOwner
  const db = await Database.open({
    url: 'sqlite::memory:',
    entities: [...coreEntities, ...((own.entities ?? []) as typeof coreEntities)],
    migrations: [...coreMigrations, ...(own.migrations ?? [])],
  })
  await db.migrate()
  const settings = defineConfig({ handlers: [handler] })
  return {
    settings,
    db,
    send: async (text, connections) => new OutgoingMessage({ text, connections: Array.isArray(connections) ? connections : [connections] }),
    lookupConnections: (backend, identities) => lookupConnectionRows(db.orm.em.fork(), typeof backend === 'string' ? backend : backend.name, identities),
    getApp: () => undefined,
  }
}

/**
 * Dispatch `text` from `identity` to `handler` alone; the reply texts, or false when ignored.
 * Runs on the running router (as in a RapidTest) when there is one, else on a private one.
 */
export async function runHandlerTest(handler: HandlerClass, text: string, identity: string): Promise<string[] | false> {
  const running = runningRouter()
  const services = running ?? (await openPrivateServices(handler))
  try {
    return await dispatchOnce(services, handler, text, identity)
  } finally {
    if (!running) await services.db.close()
  }
}

async function dispatchOnce(services: RouterServices, handler: HandlerClass, text: string, identity: string): Promise<string[] | false> {
  // A backend of its own per handler class, so tests of several handlers do not overlap.
  let backend = backendNames.get(handler)
  if (!backend) backendNames.set(handler, (backend = `mock_${++backends}`))
  const [connection] = await lookupConnectionRows(services.db.orm.em.fork(), backend, [identity])
  const msg = new IncomingMessage({ connections: [connection!], text })
  msg.scope = new MessageScope(() => services.db.orm.em.fork())
  const accepted = await handler.dispatch(services, msg)
  await msg.scope.settle()
  return accepted ? msg.responses.map((r) => r.text) : false
}
