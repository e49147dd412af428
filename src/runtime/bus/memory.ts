import { getLogger } from '../../core/logger.js'
import {
  BusTimeoutError,
  decodeString,
  encode,
  NoRespondersError,
  subjectMatches,
  type Bus,
  type BusHandler,
  type BusMessage,
  type Payload,
  type Subscription,
} from './types.js'

interface Sub {
  subject: string
  handler: BusHandler
  queue?: string
  active: boolean
}

const log = getLogger('rapidsms.runtime.bus')

/**
 * The bus of a single process. Delivery is asynchronous (a later turn, like a network) and
 * in publish order for each subscriber; queue groups take turns.
 */
export class MemoryBus implements Bus {
  #subs: Sub[] = []
  #turns = new Map<string, number>()
  #pending = 0
  #idle: (() => void)[] = []
  #closed = false

  publish(subject: string, payload?: Payload): void {
    this.#deliver(subject, encode(payload), undefined)
  }

  subscribe(subject: string, handler: BusHandler, options: { queue?: string } = {}): Subscription {
    if (this.#closed) throw new Error('The bus is closed')
    const sub: Sub = { subject, handler, queue: options.queue, active: true }
    this.#subs.push(sub)
    return {
      subject,
      unsubscribe: () => {
        sub.active = false
        this.#subs = this.#subs.filter((s) => s !== sub)
      },
    }
  }

  request(subject: string, payload?: Payload, options: { timeout?: number } = {}): Promise<BusMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new BusTimeoutError(subject)), options.timeout ?? 5000)
      const delivered = this.#deliver(subject, encode(payload), (reply) => {
        clearTimeout(timer)
        resolve(reply)
      })
      if (!delivered) {
        clearTimeout(timer)
        reject(new NoRespondersError(subject))
      }
    })
  }

  async flush(): Promise<void> {
    if (this.#pending === 0) return
    await new Promise<void>((resolve) => this.#idle.push(resolve))
  }

  async close(): Promise<void> {
    await this.flush()
    this.#closed = true
    this.#subs = []
  }

  #deliver(subject: string, data: Uint8Array, onReply: ((msg: BusMessage) => void) | undefined): boolean {
    if (this.#closed) throw new Error('The bus is closed')
    const targets: Sub[] = []
    const groups = new Map<string, Sub[]>()
    for (const sub of this.#subs) {
      if (!subjectMatches(sub.subject, subject)) continue
      if (!sub.queue) targets.push(sub)
      else {
        const key = `${sub.queue}\u0000${sub.subject}`
        const members = groups.get(key)
        if (members) members.push(sub)
        else groups.set(key, [sub])
      }
    }
    for (const [key, members] of groups) {
      const turn = this.#turns.get(key) ?? 0
      targets.push(members[turn % members.length]!)
      this.#turns.set(key, turn + 1)
    }
    let answered = false
    for (const sub of targets) {
      const msg = this.#message(subject, data, onReply && ((reply) => {
        if (answered) return
        answered = true
        onReply(reply)
      }))
      this.#pending++
      queueMicrotask(() => {
        void (async () => {
          try {
            if (sub.active) await sub.handler(msg)
          } catch (error) {
            log.error({ err: error, subject }, 'bus subscriber failed')
          } finally {
            if (--this.#pending === 0) for (const resolve of this.#idle.splice(0)) resolve()
          }
        })()
      })
    }
    return targets.length > 0
  }

  #message(subject: string, data: Uint8Array, onReply: ((msg: BusMessage) => void) | undefined): BusMessage {
    return {
      subject,
      data,
      string: () => decodeString(data),
      json: <T>() => JSON.parse(decodeString(data)) as T,
      respond: (payload?: Payload) => {
        if (!onReply) return false
        const reply = encode(payload)
        queueMicrotask(() => onReply(this.#message(subject, reply, undefined)))
        return true
      },
    }
  }
}
