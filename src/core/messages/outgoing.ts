import type { BulkResult } from '../bulk.js'
import { MessageBase, type MessageInit } from './base.js'
import { backendContext } from './context.js'
import type { BackendContext } from './types.js'

export type { BackendContext }

/** Sends an outgoing message through the router in place (set by the router). */
type Sender = (msg: OutgoingMessage) => Promise<OutgoingMessage>
let sender: Sender | undefined

/** @internal The router registers how `OutgoingMessage.send()` reaches it. */
export function setOutgoingSender(fn: Sender | undefined): void {
  sender = fn
}

/** Outbound message that can easily be sent to the router (docs 8.1.2). */
export class OutgoingMessage extends MessageBase {
  /** For a message sent with an idempotency key: what became of its bulk job. */
  bulk?: BulkResult

  constructor(init: MessageInit = {}) {
    super(init)
  }

  /**
   * Metadata handed to backends: `in_response_to` (the incoming message id) and
   * `external_id` whenever the incoming message's fields have that key, even empty or null
   * (behaviour 8: RapidSMS tests `'external_id' in fields`); `{}` otherwise.
   */
  extraBackendContext(): BackendContext {
    const original = this.inResponseTo
    return backendContext(original && { id: original.id, fields: original.fields })
  }

  /** Send the message: equivalent to `send(text, connections)` of the router. */
  send(): Promise<OutgoingMessage> {
    if (!sender) throw new Error('No router is running: start a host (getRouter()) before sending.')
    return sender(this)
  }
}

/** An outgoing message that reports an error to the sender (docs 8.1.4); sent like any reply. */
export class ErrorMessage extends OutgoingMessage {}
