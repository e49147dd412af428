import { systemClock, type Clock } from '../src/core/clock.js'
import type { IncomingMessage } from '../src/core/messages/index.js'
import type { Connection } from '../src/models/index.js'

/** A message to process, or other work of this conversation (a dialogue's timer firing). */
type Job =
  | { msg: IncomingMessage; work?: undefined; resolve: (value: any) => void; reject: (error: unknown) => void }
  | { msg?: undefined; work: () => Promise<unknown>; resolve: (value: any) => void; reject: (error: unknown) => void }

/** What a connection actor asks of its host to process one message. */
export type ProcessMessage = (msg: IncomingMessage) => Promise<void>

/**
 * One per (backend, identity): one conversation. Its mailbox is processed strictly in
 * arrival order, one message at a time, so a conversation's messages and their replies
 * never overtake each other; different connections run concurrently. It keeps its
 * Connection row (with contact) so messages do not look it up again; the host releases
 * idle actors from memory (the row stays in the database).
 */
export class ConnectionActor {
  #mailbox: Job[] = []
  #idleWaiters: (() => void)[] = []
  #busy = false
  /** When its last job finished (the host's clock, epoch ms). */
  lastActive: number
  /** The row changed in the database since it was loaded: reload it before the next message. */
  stale = false
  /**
   * What apps keep of this conversation while it is in memory, by a key of their own (a
   * dialogue's active session); gone with the actor once it is released as idle.
   */
  readonly memory = new Map<unknown, unknown>()

  constructor(
    readonly key: string,
    public connection: Connection,
    private readonly process: ProcessMessage,
    private readonly clock: Clock = systemClock,
  ) {
    this.lastActive = clock.now()
  }

  /** Queue a message; resolves with it once processed (replies sent, writes committed). */
  receive(msg: IncomingMessage): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      this.#mailbox.push({ msg, resolve, reject })
      if (!this.#busy) void this.#drain()
    })
  }

  /**
   * Queue other work of this conversation behind its messages (a dialogue's timer firing),
   * so it never races a message of the same conversation; resolves with what `work` returns.
   */
  run<T>(work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#mailbox.push({ work, resolve, reject })
      if (!this.#busy) void this.#drain()
    })
  }

  /** No message waiting or in progress (a queued job always starts the drain, so waiting means busy). */
  get idle(): boolean {
    return !this.#busy
  }

  /** Resolves once the mailbox is empty and no message is in progress. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve()
    return new Promise((resolve) => this.#idleWaiters.push(resolve))
  }

  async #drain(): Promise<void> {
    this.#busy = true
    let job: Job | undefined
    while ((job = this.#mailbox.shift())) {
      try {
        if (job.work) {
          job.resolve(await job.work())
          continue
        }
        await this.process(job.msg)
        job.resolve(job.msg)
      } catch (error) {
        job.reject(error)
      }
    }
    this.#busy = false
    this.lastActive = this.clock.now()
    for (const resolve of this.#idleWaiters.splice(0)) resolve()
  }
}

/** The actor key of a connection: backend name and identity. */
export function connectionKey(backend: string, identity: string): string {
  return `${backend}\u0000${identity}`
}
