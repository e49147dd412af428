import type { EntityManager } from '@mikro-orm/knex'

/**
 * What one message's processing owns: its unit of work (an EntityManager forked on first
 * use) and the writes it started without waiting for them. The router finishes a message
 * only once every tracked write has settled, so "replied" always means "recorded".
 */
export class MessageScope {
  #pending: Promise<unknown>[] = []
  #em: EntityManager | undefined

  constructor(private readonly emFactory?: () => EntityManager) {}

  /** The message's EntityManager (one fork per message, made on first use). */
  get em(): EntityManager {
    if (!this.#em) {
      if (!this.emFactory) throw new Error('This message is not being processed by a router with a database.')
      this.#em = this.emFactory()
    }
    return this.#em
  }

  /** Let the message finish only after `work` has settled; returns `work`. */
  track<T>(work: Promise<T>): Promise<T> {
    work.catch(() => undefined)
    this.#pending.push(work)
    return work
  }

  /** Wait for every tracked piece of work; rejects with the first failure. */
  async settle(): Promise<void> {
    let failure: unknown
    while (this.#pending.length) {
      const batch = this.#pending.splice(0)
      for (const result of await Promise.allSettled(batch)) {
        if (result.status === 'rejected' && failure === undefined) failure = result.reason
      }
    }
    if (failure !== undefined) throw failure
  }
}
