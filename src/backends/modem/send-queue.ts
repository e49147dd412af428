/**
 * The parts waiting for the modem, in order: each message's parts go out one after another;
 * a part the modem refused for now waits for its next attempt (the wait doubling); a message
 * is answered once every part was accepted, or fails with the first part that failed for good,
 * or when it waited `sendTimeoutMs`.
 */
import type { Clock, Timer } from '../../core/clock.js'
import { RapidSMSError } from '../../core/errors.js'
import type { SubmitPdu } from './pdu/index.js'

/** A message could not be sent: `code` is the +CMS ERROR, if the modem gave one. */
export class ModemSendError extends RapidSMSError {
  override name = 'ModemSendError'
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message)
  }
}

export interface QueuedPart {
  pdu: SubmitPdu
  /** Attempts that failed for now. */
  attempt: number
  /** Not to be sent before this time (epoch ms). */
  notBefore: number
  message: QueuedMessage
}

interface QueuedMessage {
  parts: QueuedPart[]
  references: (number | undefined)[]
  onPart?: (sequence: number, reference: number) => void
  resolve: (references: number[]) => void
  reject: (error: Error) => void
  timer: Timer
  done: boolean
}

export interface SendQueueOptions {
  clock: Clock
  sendTimeoutMs: number
  retryDelayMs: number
  maxRetryDelayMs: number
  /** Something became sendable (a part queued, a retry time come). */
  changed: () => void
  /** Why a message that waited too long was not sent (the modem's state). */
  why: () => string
}

export class SendQueue {
  readonly #parts: QueuedPart[] = []
  #retryTimer: Timer | undefined

  constructor(private readonly options: SendQueueOptions) {}

  get size(): number {
    return this.#parts.length
  }

  /** Parts waiting for the time of their next attempt. */
  get retrying(): number {
    const now = this.options.clock.now()
    return this.#parts.filter((p) => p.notBefore > now).length
  }

  /** Is a part due now? */
  get due(): boolean {
    return this.next() !== undefined
  }

  /** Queue the parts of one message; resolves with each part's TP-MR once all were accepted. */
  add(pdus: SubmitPdu[], onPart?: (sequence: number, reference: number) => void): Promise<number[]> {
    return new Promise<number[]>((resolve, reject) => {
      const message: QueuedMessage = {
        parts: [],
        references: [],
        onPart,
        resolve,
        reject,
        done: false,
        timer: this.options.clock.setTimeout(() => this.fail(message, new ModemSendError(`the modem did not send the message within ${this.options.sendTimeoutMs} ms (${this.options.why()})`)), this.options.sendTimeoutMs),
      }
      message.parts = pdus.map((pdu) => ({ pdu, attempt: 0, notBefore: 0, message }))
      this.#parts.push(...message.parts)
      this.options.changed()
    })
  }

  /** The first part due now. */
  next(): QueuedPart | undefined {
    const now = this.options.clock.now()
    return this.#parts.find((p) => p.notBefore <= now)
  }

  /** The modem accepted a part and gave it this TP-MR. */
  accepted(part: QueuedPart, reference: number): void {
    this.#remove(part)
    const message = part.message
    if (message.done) return
    const sequence = message.parts.indexOf(part) + 1
    message.references[sequence - 1] = reference
    message.onPart?.(sequence, reference)
    if (message.references.filter((r) => r !== undefined).length === message.parts.length) {
      message.done = true
      message.timer.cancel()
      message.resolve(message.references as number[])
    }
  }

  /** The modem refused a part for now: it waits, the wait doubling with each attempt; the delay. */
  postpone(part: QueuedPart): number {
    part.attempt++
    const delay = Math.min(this.options.retryDelayMs * 2 ** (part.attempt - 1), this.options.maxRetryDelayMs)
    part.notBefore = this.options.clock.now() + delay
    this.#armRetry()
    return delay
  }

  /** Fail a part's message: its other parts leave the queue. */
  fail(message: QueuedMessage, error: Error): void {
    if (message.done) return
    message.done = true
    message.timer.cancel()
    for (const part of message.parts) this.#remove(part)
    message.reject(error)
  }

  /** Fail the messages of the parts `which` picks (every part by default). */
  failWhere(error: Error, which: (part: QueuedPart) => boolean = () => true): void {
    for (const part of [...this.#parts]) if (which(part)) this.fail(part.message, error)
  }

  /** Stop the retry timer (the backend stops). */
  close(): void {
    this.#retryTimer?.cancel()
  }

  #remove(part: QueuedPart): void {
    const at = this.#parts.indexOf(part)
    if (at >= 0) this.#parts.splice(at, 1)
  }

  #armRetry(): void {
    this.#retryTimer?.cancel()
    const next = Math.min(...this.#parts.map((p) => p.notBefore))
    if (!Number.isFinite(next)) return
    this.#retryTimer = this.options.clock.setTimeout(() => this.options.changed(), Math.max(0, next - this.options.clock.now()))
  }
}
