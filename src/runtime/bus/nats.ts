import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node'
import { getLogger } from '../../core/logger.js'
import {
  BusTimeoutError,
  decodeString,
  encode,
  NoRespondersError,
  type Bus,
  type BusHandler,
  type BusMessage,
  type Payload,
  type Subscription,
} from './types.js'

const log = getLogger('rapidsms.runtime.bus')

/** The bus of a cluster: core NATS subjects on a nats-server. */
export class NatsBus implements Bus {
  private constructor(readonly connection: NatsConnection) {}

  /** Connect to `servers` (e.g. `nats://127.0.0.1:4222`). */
  static async connect(servers: string | string[], name = 'rapidsms'): Promise<NatsBus> {
    return new NatsBus(await connect({ servers, name }))
  }

  publish(subject: string, payload?: Payload): void {
    this.connection.publish(subject, encode(payload))
  }

  subscribe(subject: string, handler: BusHandler, options: { queue?: string } = {}): Subscription {
    const sub = this.connection.subscribe(subject, {
      queue: options.queue,
      callback: (error, msg) => {
        if (error) {
          log.error({ err: error, subject }, 'bus subscription failed')
          return
        }
        Promise.resolve()
          .then(() => handler(wrap(msg)))
          .catch((err: unknown) => log.error({ err, subject }, 'bus subscriber failed'))
      },
    })
    return { subject, unsubscribe: () => sub.unsubscribe() }
  }

  async request(subject: string, payload?: Payload, options: { timeout?: number } = {}): Promise<BusMessage> {
    try {
      return wrap(await this.connection.request(subject, encode(payload), { timeout: options.timeout ?? 5000 }))
    } catch (error) {
      const text = String((error as Error)?.message ?? error)
      const noResponders = (error as { isNoResponders?: () => boolean }).isNoResponders?.() || /no responders/i.test(text)
      if (noResponders) throw new NoRespondersError(subject)
      if (/timeout/i.test(text) || (error as Error)?.name === 'TimeoutError') throw new BusTimeoutError(subject)
      throw error
    }
  }

  async flush(): Promise<void> {
    await this.connection.flush()
  }

  async close(): Promise<void> {
    if (this.connection.isClosed()) return
    await this.connection.drain()
  }
}

function wrap(msg: Msg): BusMessage {
  return {
    subject: msg.subject,
    data: msg.data,
    string: () => decodeString(msg.data),
    json: <T>() => JSON.parse(decodeString(msg.data)) as T,
    respond: (payload?: Payload) => msg.respond(encode(payload)),
  }
}
