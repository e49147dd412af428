import type { EntityName, RequiredEntityData } from '@mikro-orm/core'
import type { SqlOrm } from './orm.js'
import { getLogger } from '../core/logger.js'

interface Pending {
  entity: EntityName<any>
  rows: object[]
  resolve: () => void
  reject: (error: unknown) => void
}

/**
 * Group commit: rows written by concurrent messages are inserted together, one transaction
 * for many messages. `insert()` resolves once its rows are committed. A batch that fails is
 * replayed write by write, so one bad row fails only its own writer.
 */
export class RecordWriter {
  #queue: Pending[] = []
  #inFlight = 0
  #scheduled = false
  #log = getLogger('rapidsms.models.writer')

  constructor(
    private readonly orm: SqlOrm,
    private readonly options: { concurrency: number; maxBatch: number } = { concurrency: 1, maxBatch: 2000 },
  ) {}

  /** Insert rows (plain property values, no hooks run); resolves when committed. */
  insert<T extends object>(entity: EntityName<T>, rows: RequiredEntityData<T> | RequiredEntityData<T>[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ entity, rows: Array.isArray(rows) ? rows : [rows], resolve, reject })
      this.#schedule()
    })
  }

  /** Resolves once everything queued so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.#queue.length || this.#inFlight) await new Promise((r) => setTimeout(r, 1))
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.options.concurrency) return
    this.#scheduled = true
    // Let every message that is runnable in this turn add its rows before committing.
    setImmediate(() => {
      this.#scheduled = false
      void this.#flush()
    })
  }

  async #flush(): Promise<void> {
    if (!this.#queue.length) return
    const batch = this.#queue.splice(0, this.options.maxBatch)
    this.#inFlight++
    try {
      await this.#commit(batch)
      for (const write of batch) write.resolve()
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error)
      else await this.#replayOneByOne(batch)
    } finally {
      this.#inFlight--
      if (this.#queue.length) this.#schedule()
    }
  }

  async #commit(batch: Pending[]): Promise<void> {
    const byEntity = new Map<EntityName<any>, object[]>()
    for (const write of batch) {
      const rows = byEntity.get(write.entity)
      if (rows) rows.push(...write.rows)
      else byEntity.set(write.entity, [...write.rows])
    }
    // One multi-row INSERT is atomic by itself: a transaction (BEGIN, COMMIT) would triple
    // the round trips of the common case, a batch of one table.
    if (byEntity.size === 1) {
      const [entity, rows] = byEntity.entries().next().value!
      await this.orm.em.fork().insertMany(entity, rows)
      return
    }
    await this.orm.em.fork().transactional(async (em) => {
      for (const [entity, rows] of byEntity) await em.insertMany(entity, rows)
    })
  }

  async #replayOneByOne(batch: Pending[]): Promise<void> {
    for (const write of batch) {
      try {
        await this.#commit([write])
        write.resolve()
      } catch (error) {
        this.#log.error({ err: error, entity: String((write.entity as { name?: string }).name ?? write.entity) }, 'write failed')
        write.reject(error)
      }
    }
  }
}
