import type { MessageScope } from '../core/scope.js'
import type { BackendContext, ConnectionLike, MessageFields } from '../core/messages/index.js'

/** What a gateway said became of an outgoing message to one identity. */
export interface StatusUpdate {
  /** The id the backend was given with the message (`send(id, ...)`). */
  messageId: string
  identity: string
  outcome: 'delivered' | 'failed'
  /** The backend that sent it, when the report says (Kannel's shared URL does not). */
  backend?: string
}

/**
 * How a backend hands messages in, whatever carries them: the web edge's HTTP views are one
 * inbound source, a serial port another. `receive` resolves once the routing strategy has
 * accepted the message (blocking and database routers: processed, replies sent, rows
 * committed), so a source may then acknowledge it to its peer (answer 200, delete it from
 * the SIM).
 */
export interface InboundPort {
  /** The backend this port belongs to. */
  readonly backend: string
  /** Hand in a message from `identity` on this backend; resolves when it may be acknowledged. */
  receive(identity: string, text: string, fields?: MessageFields): Promise<void>
  /** A delivery report: one path for every backend (with the DatabaseRouter, the transmission's status). */
  reportStatus(update: Omit<StatusUpdate, 'backend'>): Promise<void>
}

/** How the router hands a backend a message to send: one call per message and backend. */
export interface OutboundPort {
  send(id: string, text: string, identities: string[], context: BackendContext, scope?: MessageScope): Promise<void> | void
}

/** What an inbound port needs of the router (a part of RouterServices). */
export interface InboundRouter {
  accept(text: string, connection: ConnectionLike, fields?: MessageFields): Promise<void>
  reportStatus(update: StatusUpdate): Promise<void>
}

/** The inbound port of backend `name`, on the router's messaging API. */
export function inboundPort(router: InboundRouter, name: string): InboundPort {
  return {
    backend: name,
    receive: (identity, text, fields = {}) => router.accept(text, { backend: { name }, identity }, fields),
    reportStatus: (update) => router.reportStatus({ ...update, backend: name }),
  }
}
