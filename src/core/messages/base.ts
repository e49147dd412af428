import type { EntityManager } from '@mikro-orm/knex'
import { generateId } from '../ids.js'
import { MessageScope } from '../scope.js'
import type { ConnectionLike, ContactLike, MessageFields } from './types.js'

/** An error an app raised on a message (it counted as not stopping the phase). */
export interface AppErrorRecord {
  app: string
  phase: string
  error: string
}

/**
 * What a message carries between its phases and into what the router stores, as plain data
 * (it can be serialised and cross to another host with the message): never in module
 * globals or weak maps beside the message.
 */
export interface Envelope {
  /** The row the routing strategy stored the message as (the DatabaseRouter's db_message id). */
  rowId?: number
  /** Errors apps raised while processing it (the DatabaseRouter then marks it `E`). */
  appErrors: AppErrorRecord[]
}

export interface MessageInit {
  connections?: ConnectionLike[]
  /** Shortcut for `connections: [connection]`. */
  connection?: ConnectionLike
  text?: string
  id?: string
  inResponseTo?: MessageBase | null
  fields?: MessageFields
}

/** Basic message representation with text and connection(s) (docs 8.1.3). */
export class MessageBase {
  /** A unique id: 32 lowercase hex characters. */
  id: string
  /** The message text; apps may change it during parse. */
  text: string
  /** The text as received, whatever apps do to `text`. */
  readonly rawText: string
  /** The connections this message was received from or sent to. */
  connections: ConnectionLike[]
  /** Arbitrary metadata. */
  fields: MessageFields
  /** The message this one answers, for replies. */
  inResponseTo: MessageBase | null
  /** Set when an app returned true from handle; short-circuits the default phase. */
  handled = false
  /** Set once the router has dispatched the message to every app. */
  processed = false
  /** The unit of work of the processing this message belongs to (set by the router). */
  scope: MessageScope
  /** What the router knows of this message as data: its stored row, the apps' errors. */
  readonly envelope: Envelope = { appErrors: [] }

  constructor(init: MessageInit = {}) {
    this.connections = init.connections ?? (init.connection ? [init.connection] : [])
    this.text = init.text ?? ''
    this.rawText = this.text
    this.id = init.id ?? generateId()
    this.inResponseTo = init.inResponseTo ?? null
    this.fields = init.fields ?? {}
    this.scope = init.inResponseTo?.scope ?? new MessageScope()
  }

  /** The EntityManager of this message's processing (one unit of work per message). */
  get em(): EntityManager {
    return this.scope.em
  }

  static generateId(): string {
    return generateId()
  }

  /** The first connection (RapidSMS keeps this deprecated shortcut; so do we). */
  get connection(): ConnectionLike | undefined {
    return this.connections[0]
  }

  /** The first connection's contact, if any. */
  get contact(): ContactLike | null {
    return this.connections[0]?.contact ?? null
  }

  toString(): string {
    return this.text
  }
}
