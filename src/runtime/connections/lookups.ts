import type { Clock } from '../../core/clock.js'
import { lookupConnectionRows, type Connection, type Database } from '../../models/index.js'

interface Batch {
  identities: string[]
  rows: Promise<Map<string, Connection>>
}

/**
 * Connection rows looked up together: every identity of a backend asked for in one turn of
 * the event loop goes into one query (created where missing), so a burst of new phones costs
 * a few queries, not a few per phone.
 */
export class LookupBatches {
  readonly #batches = new Map<string, Batch>()

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** The row of `identity` on backend `name`, from the batch of this turn. */
  async row(name: string, identity: string): Promise<Connection> {
    const batch = this.#batch(name)
    batch.identities.push(identity)
    return (await batch.rows).get(identity)!
  }

  #batch(name: string): Batch {
    let batch = this.#batches.get(name)
    if (!batch) {
      const identities: string[] = []
      const rows = new Promise<Map<string, Connection>>((resolve, reject) =>
        this.clock.defer(() => {
          this.#batches.delete(name)
          lookupConnectionRows(this.db.orm.em.fork(), name, identities, this.clock.date()).then((all) => resolve(new Map(all.map((c) => [c.identity, c]))), reject)
        }),
      )
      batch = { identities, rows }
      this.#batches.set(name, batch)
    }
    return batch
  }
}
