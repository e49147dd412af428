import type { SendOptions } from '../apps/index.js'
import type { Settings, UserSettings } from '../core/config.js'
import { setOutgoingSender, type ConnectionLike, type IncomingMessage, type MessageFields, type OutgoingMessage } from '../core/messages/index.js'
import type { Connection } from '../models/index.js'
import { Host, type HostOptions } from '../runtime/host.js'

let current: Host | undefined

/**
 * Start a host from the settings and make it the router the messaging API uses.
 * @example const router = await startRouter(config)
 */
export async function startRouter(settings: Settings | UserSettings, options: HostOptions = {}): Promise<Host> {
  const host = await Host.start(settings, options)
  setRouter(host)
  return host
}

/** Stop the current router (if any) and forget it. */
export async function stopRouter(): Promise<void> {
  const host = current
  setRouter(undefined)
  await host?.stop()
}

/** Make `host` the router of receive(), send(), lookupConnections() and OutgoingMessage.send(). */
export function setRouter(host: Host | undefined): void {
  current = host
  setOutgoingSender(host ? (msg) => host.sendMessage(msg) : undefined)
}

/** The running router (the host started by `rapidsms start`, or by the test harness). */
export function getRouter(): Host {
  if (!current) throw new Error('No router is running: start one with startRouter(settings) or `rapidsms start`.')
  return current
}

/**
 * Create an incoming message from a connection and process it (docs 8.1.1).
 * @example await receive('echo hello', connection)
 */
export function receive(text: string, connection: ConnectionLike, fields: MessageFields = {}): Promise<IncomingMessage> {
  return getRouter().receive(text, connection, fields)
}

/**
 * Send a message to one connection or many (docs 8.1.2).
 * @example await send('hello', await lookupConnections('kannel', ['+254700000001']))
 */
export function send(text: string, connections: ConnectionLike | ConnectionLike[], options?: SendOptions): Promise<OutgoingMessage> {
  return getRouter().send(text, connections, options)
}

/**
 * One connection per identity on a backend, created when missing (docs 8.1.7).
 * @example const [connection] = await lookupConnections('message_tester', ['1112223333'])
 */
export function lookupConnections(backend: string | { name: string }, identities: string[]): Promise<Connection[]> {
  return getRouter().lookupConnections(backend, identities)
}

export { Host, type HostOptions }
