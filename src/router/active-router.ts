import type { Settings, UserSettings } from '../core/config.js'
import { setOutgoingSender } from '../core/messages/index.js'
import { Host, type HostOptions } from '../runtime/host.js'

/**
 * The process's active router: the host that RapidSMS's module-level messaging API
 * (`receive()`, `send()`, `lookupConnections()`, `OutgoingMessage.send()`, `get_router()`)
 * talks to. `rapidsms start` and the test harness set it; everything else is given its host
 * (`this.router` in apps, handlers and backends).
 */
let active: Host | undefined

/**
 * Start a host from the settings and make it the active router.
 * @example const router = await startRouter(config)
 */
export async function startRouter(settings: Settings | UserSettings, options: HostOptions = {}): Promise<Host> {
  const host = await Host.start(settings, options)
  setRouter(host)
  return host
}

/** Stop the active router (if any) and forget it. */
export async function stopRouter(): Promise<void> {
  const host = active
  setRouter(undefined)
  await host?.stop()
}

/** Make `host` the active router of receive(), send(), lookupConnections() and OutgoingMessage.send(). */
export function setRouter(host: Host | undefined): void {
  active = host
  setOutgoingSender(host ? (msg) => host.sendMessage(msg) : undefined)
}

/** The active router (the host started by `rapidsms start`, or by the test harness). */
export function getRouter(): Host {
  if (!active) throw new Error('No router is running: start one with startRouter(settings) or `rapidsms start`.')
  return active
}
