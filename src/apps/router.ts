import type { Settings } from '../core/config.js'
import type { ConnectionLike } from '../core/messages/index.js'
import type { OutgoingMessage } from '../core/messages/index.js'
import type { Connection, Database } from '../models/index.js'

/** Options of `send()` besides text and connections. */
export interface SendOptions {
  inResponseTo?: OutgoingMessage['inResponseTo']
  fields?: Record<string, unknown>
  messageClass?: typeof OutgoingMessage
}

/**
 * What apps, handlers and backends see as `this.router`: the project's settings and
 * database, and the messaging API (docs 8.1).
 */
export interface RouterServices {
  readonly settings: Settings
  readonly db: Database
  send(text: string, connections: ConnectionLike | ConnectionLike[], options?: SendOptions): Promise<OutgoingMessage>
  lookupConnections(backend: string | { name: string }, identities: string[]): Promise<Connection[]>
  /** The installed instance of an app class, if installed. */
  getApp<T>(appClass: abstract new (...args: any[]) => T): T | undefined
}
