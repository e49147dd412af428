import { MessageBase, type MessageInit } from './base.js'
import { ErrorMessage, type OutgoingMessage } from './outgoing.js'
import type { ConnectionLike } from './types.js'

/** A reply queued by `respond()`: the arguments `send()` will get after the phases. */
export interface ResponseContext {
  text: string
  connections: ConnectionLike[]
  inResponseTo: IncomingMessage
  /** The class of the outgoing message: OutgoingMessage, or ErrorMessage for `error()`. */
  messageClass?: typeof OutgoingMessage
  [extra: string]: unknown
}

/** Inbound message that provides an API to handle responses (docs 8.1.1). */
export class IncomingMessage extends MessageBase {
  /** Replies queued by `respond()`, sent after the incoming phases, in this order. */
  responses: ResponseContext[] = []

  constructor(init: MessageInit = {}) {
    super(init)
  }

  /**
   * Queue a reply to the connections this message came from. Nothing is sent yet.
   * `extra` may override `connections` or `inResponseTo`.
   * @example msg.respond('pong')
   */
  respond(text: string, extra: Partial<Omit<ResponseContext, 'text'>> = {}): ResponseContext {
    const context: ResponseContext = { text, connections: this.connections, inResponseTo: this, ...extra }
    this.responses.push(context)
    return context
  }

  /** Like `respond()`, but the reply is an ErrorMessage. */
  error(text: string, extra: Partial<Omit<ResponseContext, 'text'>> = {}): ResponseContext {
    return this.respond(text, { ...extra, messageClass: ErrorMessage })
  }
}
