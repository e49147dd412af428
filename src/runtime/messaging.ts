import type { ConnectionActor } from '../../actors/connection.actor.js'
import type { MessagePipeline } from '../../actors/message-pipeline.js'
import type { SendOptions } from '../apps/index.js'
import { IncomingMessage, OutgoingMessage, type ConnectionLike, type MessageFields } from '../core/messages/index.js'
import { MessageScope } from '../core/scope.js'
import { storable } from '../core/text.js'
import type { Connection, Database } from '../models/index.js'
import type { ConnectionRegistry } from './connections/index.js'
import type { RoutingStrategy } from './routing/index.js'
import type { BulkSender } from './bulk/index.js'

/** What the messaging API works with: the host's pieces. */
export interface MessagingParts {
  db: Database
  connections: ConnectionRegistry
  pipeline: MessagePipeline
  routing: RoutingStrategy
  bulk: BulkSender
}

/**
 * The messaging API of a host (docs 8.1): messages in through their conversation's actor,
 * processed by the routing strategy around the pipeline, one unit of work (MessageScope) per
 * message; messages out through the pipeline; connections looked up (or created).
 */
export class Messaging {
  #closed = false
  #received = 0

  constructor(private readonly parts: MessagingParts) {}

  /** Messages handed to conversations so far. */
  get received(): number {
    return this.#received
  }

  /** Refuse new messages and work from now on (the host is stopping). */
  close(): void {
    this.#closed = true
  }

  /**
   * Hand an incoming message to its connection's actor; resolves once it is processed:
   * phases run, replies sent, its records committed. A connection without an id (just a
   * backend name and an identity) is looked up, or created. A NUL or a lone surrogate in the
   * text or identity becomes U+FFFD (see storable).
   */
  receive(given: string, connection: ConnectionLike, fields: MessageFields = {}): Promise<IncomingMessage> {
    try {
      // Text every database stores as given (no NUL, no lone surrogate), so it is never refused.
      const text = storable(given)
      if (connection.id !== undefined) return this.receiveMessage(new IncomingMessage({ connections: [connection as Connection], text, fields }))
      const identity = storable(connection.identity)
      // The gateway's path: a phone with a live actor needs no lookup.
      const actor = this.parts.connections.live(connection.backend.name, identity)
      if (actor) return this.#enqueue(actor, new IncomingMessage({ connections: [actor.connection], text, fields }))
      return this.lookupConnections(connection.backend.name, [identity]).then(([row]) => this.receiveMessage(new IncomingMessage({ connections: [row!], text, fields })))
    } catch (error) {
      // Callers get a rejected promise, never a throw, as from an async function.
      return Promise.reject(error)
    }
  }

  /** Like receive(), for a message built by the caller. */
  receiveMessage(msg: IncomingMessage): Promise<IncomingMessage> {
    const connection = msg.connections[0] as Connection | undefined
    if (!connection) return Promise.reject(new Error('An incoming message needs a connection'))
    return this.#enqueue(this.parts.connections.actorFor(connection), msg)
  }

  /** An inbound source hands a message in (see InboundPort): resolves when the routing strategy lets it acknowledge. */
  accept(text: string, connection: ConnectionLike, fields: MessageFields = {}): Promise<void> {
    return this.parts.routing.accept(() => this.receive(text, connection, fields))
  }

  /** Run `work` in the conversation of `connection`, behind its queued messages (see RouterServices.inConversation). */
  async inConversation<T>(connection: ConnectionLike, work: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error('The router is shutting down')
    const row = connection.id !== undefined ? (connection as Connection) : (await this.lookupConnections(connection.backend.name, [connection.identity]))[0]!
    return this.parts.connections.actorFor(row).run(work)
  }

  /** Process one message of a conversation: the routing strategy around the phases, replies and records. */
  async process(msg: IncomingMessage): Promise<void> {
    msg.scope = this.#newScope()
    await this.parts.routing.process(msg, async () => {
      await this.parts.pipeline.receive(msg)
      await msg.scope.settle()
    })
  }

  /**
   * Create one outgoing message to every connection and send it (docs 8.1.2). With an
   * `idempotencyKey` it is sent as a bulk job (see BulkSender: batches, a status per
   * recipient, sent once per key); the message then carries the job's id and `bulk`, its result.
   */
  send(text: string, connections: ConnectionLike | ConnectionLike[], options: SendOptions = {}): Promise<OutgoingMessage> {
    const MessageClass = options.messageClass ?? OutgoingMessage
    const list = Array.isArray(connections) ? [...connections] : [connections]
    if (options.idempotencyKey !== undefined) {
      // A bulk job stores one text for all its recipients: a reply's context, fields or an id of its own would be lost.
      const unsent = (['inResponseTo', 'fields', 'id'] as const).filter((option) => options[option] !== undefined)
      if (unsent.length) return Promise.reject(new TypeError(`send() with an idempotencyKey sends a bulk job, which takes no ${unsent.join(', ')}`))
      return this.parts.bulk.send(text, list, { idempotencyKey: options.idempotencyKey }).then((bulk) => Object.assign(new MessageClass({ text, connections: list, id: bulk.messageId }), { bulk }))
    }
    return this.sendMessage(new MessageClass({ text, connections: list, inResponseTo: options.inResponseTo ?? null, fields: options.fields, ...(options.id && { id: options.id }) }))
  }

  /** Run an outgoing message through the outgoing phase and its backends. */
  async sendMessage(msg: OutgoingMessage): Promise<OutgoingMessage> {
    if (!msg.inResponseTo) msg.scope = this.#newScope()
    await this.parts.pipeline.send(msg)
    if (!msg.inResponseTo) await msg.scope.settle()
    return msg
  }

  /** One connection per identity on a backend, created on the fly (docs 8.1.7); see ConnectionRegistry.lookup. */
  lookupConnections(backend: string | { name: string }, identities: string[]): Promise<Connection[]> {
    return this.parts.connections.lookup(typeof backend === 'string' ? backend : backend.name, identities)
  }

  #enqueue(actor: ConnectionActor, msg: IncomingMessage): Promise<IncomingMessage> {
    if (this.#closed) return Promise.reject(new Error('The router is shutting down'))
    this.#received++
    return actor.receive(msg)
  }

  readonly #forkEm = () => this.parts.db.orm.em.fork()

  #newScope(): MessageScope {
    return new MessageScope(this.#forkEm)
  }
}
