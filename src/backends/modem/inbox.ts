import type { RouterServices } from '../../apps/router.js'
import { ModemInbox } from './models.js'

const KEEP_MS = 30 * 86_400_000

/** The digests of received messages already committed (see ModemInbox). */
export class Inbox {
  constructor(
    private readonly router: RouterServices,
    private readonly backend: string,
  ) {}

  /** Was this message committed before (the host stopped before deleting it from the SIM)? */
  async committed(key: string): Promise<boolean> {
    return (await this.router.db.orm.em.fork().count(ModemInbox, { backend: this.backend, key })) > 0
  }

  /** Remember a committed message, until it is long gone from the SIM. */
  remember(key: string): Promise<void> {
    return this.router.db.writer.insert(ModemInbox, { backend: this.backend, key, committedAt: this.router.clock.date() })
  }

  /** Forget what was committed more than 30 days ago. */
  async prune(): Promise<void> {
    await this.router.db.orm.em.fork().nativeDelete(ModemInbox, { backend: this.backend, committedAt: { $lt: new Date(this.router.clock.now() - KEEP_MS) } })
  }
}
