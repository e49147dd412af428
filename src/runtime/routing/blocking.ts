import type { IncomingMessage, OutgoingMessage } from '../../core/messages/index.js'
import type { Resumed, RoutingContext, RoutingStrategy } from './strategy.js'

/**
 * RapidSMS's BlockingRouter, the default: a message is processed while its source waits (a
 * gateway's HTTP request gets its answer once the phases ran, the replies were sent and the
 * rows committed); nothing is stored of the routing itself, so nothing is resumed. Each
 * backend gets a message's identities in sends of at most `dbRouterBatchSize`.
 */
export class BlockingRouter implements RoutingStrategy {
  static readonly entities = []
  static readonly migrations = []
  readonly name = 'blocking' as const

  constructor(private readonly context: RoutingContext) {}

  async accept(receive: () => Promise<IncomingMessage>): Promise<void> {
    await receive()
  }

  process(_msg: IncomingMessage, run: () => Promise<void>): Promise<void> {
    return run()
  }

  deliver(msg: OutgoingMessage): Promise<void> {
    return this.context.delivery.sendMessage(msg, this.context.batchSize)
  }

  /** Its deliveries hand backends the message's scope: as the backend's sends are. */
  sendsInUnit(name: string): boolean {
    return this.context.delivery.sendsInUnit(name)
  }

  async resume(): Promise<Resumed> {
    return { incoming: 0, outgoing: 0 }
  }

  /** Without rows of its own, a delivery report changes nothing (backends may store theirs). */
  async reportStatus(): Promise<void> {}
}
