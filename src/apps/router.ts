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
  /**
   * A gateway reported what became of an outgoing message (the id the backend was given) to
   * one identity: delivered, or failed. With the DatabaseRouter its transmission becomes `D`
   * (with its delivered time) or `E`, and the message's status follows; otherwise nothing.
   */
  reportDelivery?(messageId: string, identity: string, outcome: 'delivered' | 'failed'): Promise<void>
}
