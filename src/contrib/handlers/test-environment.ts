import type { RouterServices } from '../../apps/router.js'
import { IncomingMessage } from '../../core/messages/index.js'
import { MessageScope } from '../../core/scope.js'
import { getRouter, Host } from '../../router/index.js'

/** What a handler test needs of a handler class (BaseHandler's static side). */
interface Dispatching {
  dispatch(router: RouterServices, msg: IncomingMessage): unknown
}

const backendNames = new WeakMap<Function, string>()
let backends = 0

function runningRouter(): Host | undefined {
  try {
    return getRouter()
  } catch {
    return undefined
  }
}

/**
 * Dispatch `text` from `identity` to `handler` alone; the reply texts, or false when ignored.
 * Runs on the running router (as in a RapidTest) when there is one, else on a host of its
 * own with just this handler on a private in-memory database, stopped after the call.
 */
export async function runHandlerTest(handler: Dispatching & Function, text: string, identity: string): Promise<string[] | false> {
  const running = runningRouter()
  const host = running ?? (await Host.start({ handlers: [handler] }, { databaseUrl: 'sqlite::memory:' }))
  try {
    return await dispatchOnce(host, handler, text, identity)
  } finally {
    if (!running) await host.stop()
  }
}

async function dispatchOnce(router: RouterServices, handler: Dispatching & Function, text: string, identity: string): Promise<string[] | false> {
  // A backend of its own per handler class, so tests of several handlers do not overlap.
  let backend = backendNames.get(handler)
  if (!backend) backendNames.set(handler, (backend = `mock_${++backends}`))
  const [connection] = await router.lookupConnections(backend, [identity])
  const msg = new IncomingMessage({ connections: [connection!], text })
  msg.scope = new MessageScope(() => router.db.orm.em.fork())
  const accepted = await handler.dispatch(router, msg)
  await msg.scope.settle()
  return accepted ? msg.responses.map((r) => r.text) : false
}
