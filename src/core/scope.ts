import type { EntityManager } from '@mikro-orm/knex'

/** Failures are read in settle(); until then they must not count as unhandled. */
const ignore = () => undefined

/**
 * What one message's processing owns: its unit of work (an EntityManager forked on first
 * use) and the writes it started without waiting for them. The router finishes a message
 * only once every tracked write has settled, so "replied" always means "recorded".
 */
export class MessageScope {
  #pending: Promise<unknown>[] = []
  #em: EntityManager | undefined
  #beforeSettle: (() => void)[] | undefined

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
    work.catch(ignore)
    this.#pending.push(work)
    return work
  }

  /**
   * Run `callback` when the router settles the message, before waiting for its work: a
   * last chance to hand on what it held back (the writes of a unit held by an app that a
   * filter stopped before it could release them).
   */
  beforeSettle(callback: () => void): void {
    ;(this.#beforeSettle ??= []).push(callback)
  }

  /** Wait for every tracked piece of work (also work tracked meanwhile); rejects with the first failure. */
  async settle(): Promise<void> {
    if (this.#beforeSettle) for (const callback of this.#beforeSettle.splice(0)) callback()
    let failed = false
    let failure: unknown
    // One await per write: cheaper than Promise.allSettled for the few writes a message makes.
    for (let i = 0; i < this.#pending.length; i++) {
      try {
        await this.#pending[i]
      } catch (error) {
        if (!failed) [failed, failure] = [true, error]
      }
    }
    this.#pending.length = 0
    if (failed) throw failure
  }
}
