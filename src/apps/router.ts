import type { StatusUpdate } from '../backends/ports.js'
import type { BulkOptions, BulkRecipients, BulkResult } from '../core/bulk.js'
import type { Clock } from '../core/clock.js'
import type { Settings } from '../core/config.js'
import type { Inspector } from '../core/inspection.js'
import type { Scheduler } from '../core/scheduling.js'
import type { ConnectionLike, IncomingMessage, MessageFields, OutgoingMessage } from '../core/messages/index.js'
import type { Connection, Database } from '../models/index.js'

/** Options of `send()` besides text and connections. */
export interface SendOptions {
  inResponseTo?: OutgoingMessage['inResponseTo']
  fields?: Record<string, unknown>
  messageClass?: typeof OutgoingMessage
  /** The outgoing message's id (32 hex), when sending it again must carry the same one. */
  id?: string
  /** Send as a bulk job under this key: a second send with the same key sends nothing again (see sendBulk). */
  idempotencyKey?: string
}

/**
 * What apps, handlers and backends see as `this.router`: the project's settings and
 * database, and the messaging API (docs 8.1).
 */
export interface RouterServices {
  readonly settings: Settings
  readonly db: Database
  /** Where time comes from: read it here, never from Date.now() (tests move it by hand). */
  readonly clock: Clock
  /** The stream of what happens in the host (see Inspector). */
  readonly inspector: Inspector
  /** Durable wake times, periodic (`schedule`) and one-shot (`runAt`) tasks of this host. */
  readonly scheduler: Scheduler
  /** Create an incoming message and process it (docs 8.1.1); resolves once it is processed. */
  receive(text: string, connection: ConnectionLike, fields?: MessageFields): Promise<IncomingMessage>
  /**
   * An inbound source (a backend's view, a serial port) hands a message in; resolves when the
   * routing strategy lets the source acknowledge it. Backends use their `inbound` port.
   */
  accept(text: string, connection: ConnectionLike, fields?: MessageFields): Promise<void>
  send(text: string, connections: ConnectionLike | ConnectionLike[], options?: SendOptions): Promise<OutgoingMessage>
  /**
   * One text to any number of recipients (connections, or backend names and identities, from
   * any iterable or stream): stored, sent per backend in batches of `dbRouterBatchSize`,
   * paced by each backend, with a status per recipient; once per `idempotencyKey`.
   */
  sendBulk(text: string, recipients: BulkRecipients, options?: BulkOptions): Promise<BulkResult>
  lookupConnections(backend: string | { name: string }, identities: string[]): Promise<Connection[]>
  /**
   * Run `work` in the conversation of `connection`, queued behind its messages (and before
   * the next), so it never races them: a dialogue's timer firing steps its session this way.
   */
  inConversation<T>(connection: ConnectionLike, work: () => Promise<T>): Promise<T>
  /**
   * What apps keep of the conversation of `connection` while it is in memory (see
   * ConnectionActor.memory), undefined when it is not. Only the conversation's own work (its
   * messages, work run with inConversation) should read or change it.
   */
  conversationMemory?(connection: ConnectionLike): Map<unknown, unknown> | undefined
  /**
   * Would a message to `connection`, sent in response to a message whose unit the writer
   * holds, be only rows of that unit (the routing strategy hands backends the scope and the
   * backend's sends are rows: BackendBase.sendsInUnit)? Then it commits with the unit or not
   * at all.
   */
  sendsInUnit?(connection: ConnectionLike): boolean
  /** The installed instance of an app class, if installed. */
  getApp<T>(appClass: abstract new (...args: any[]) => T): T | undefined
  /**
   * A gateway reported what became of an outgoing message (the id the backend was given) to
   * one identity: delivered, or failed. With the DatabaseRouter its transmission becomes `D`
   * (with its delivered time) or `E`, and the message's status follows; otherwise nothing.
   */
  reportStatus(update: StatusUpdate): Promise<void>
}
