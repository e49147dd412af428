import { JsonType, Utils, type EntityMetadata, type EntityName, type EntityProperty, type Platform, type RequiredEntityData } from '@mikro-orm/core'
import { systemClock, type Clock } from '../core/clock.js'
import { getLogger } from '../core/logger.js'
import type { Dialect } from './migration.js'
import type { SqlOrm } from './orm.js'
import { PostgresCommits } from './writer-postgres.js'
import { changeLayoutOf, isoString, layoutOf, StaleWriteError, type Column, type DialectCommits, type Group, type RowChange, type TableShape, type UpdateGroup } from './writer-rows.js'
import { SqliteCommits } from './writer-sqlite.js'

export { isoString, StaleWriteError, type RowChange } from './writer-rows.js'

/** One call of insert() or update(). */
interface Write {
  kind: 'insert' | 'update'
  entity: EntityName<any>
  /** Rows to insert, or RowChanges to apply. */
  rows: object[]
  /** An update that must be applied before the inserts of its commit (see update()). */
  beforeInserts?: boolean
  resolve: () => void
  reject: (error: unknown) => void
}

/** What commits together: one write, or every write of a unit that was held. */
interface Pending {
  writes: Write[]
}

const SERIAL_TYPES: Record<string, string> = { serial: 'int', bigserial: 'bigint', smallserial: 'smallint' }

/**
 * Group commit: rows written by concurrent messages are inserted together, one transaction
 * for many messages. `insert()` resolves once its rows are committed. A batch that fails is
 * replayed write by write, so one bad row fails only its own writer.
 *
 * Writes may name a unit (any object: a message's scope). While a unit is held (`hold()`),
 * its writes wait; `release()` queues them as one: they commit in the same transaction, and
 * a failure of any (a bad row, a stale `update()`) fails them all. A dialogue step stores its
 * session this way, in the commit of the message's own rows.
 *
 * This is the hot path of every message (the message log, the database backend), so rows
 * become INSERTs built from the entity metadata, without the unit of work.
 */
export class RecordWriter {
  #queue: Pending[] = []
  /** Writes of held units, waiting for release(). */
  #held = new Map<object, Write[]>()
  #inFlight = 0
  #scheduled = false
  #shapes = new Map<EntityName<any>, TableShape>()
  /** The dialect's statements. */
  readonly #statements: DialectCommits
  /** Callers of drain() waiting for the writer to be idle. */
  #drained: (() => void)[] = []
  #log = getLogger('rapidsms.models.writer')
  readonly #platform: Platform

  constructor(
    private readonly orm: SqlOrm,
    private readonly dialect: Dialect,
    private readonly options: { concurrency: number; maxBatch: number } = { concurrency: 1, maxBatch: 2000 },
    private readonly clock: Pick<Clock, 'defer'> = systemClock,
  ) {
    this.#platform = orm.em.getPlatform()
    this.#statements = dialect === 'postgresql' ? new PostgresCommits(orm, this.#platform) : new SqliteCommits(orm, this.#platform)
  }

  /**
   * Insert rows (plain property values or entities for relations; no hooks run); resolves
   * when committed. With a held `unit`, they wait for its release and commit with it.
   */
  insert<T extends object>(entity: EntityName<T>, rows: RequiredEntityData<T> | RequiredEntityData<T>[], unit?: object): Promise<void> {
    return this.#add('insert', entity, Array.isArray(rows) ? rows : [rows], unit)
  }

  /**
   * Change rows: each change must match exactly one row (put the version read in `where`
   * and the next one in `set` for optimistic concurrency), otherwise the write, and its unit,
   * fail with StaleWriteError. On PostgreSQL the updates and inserts of a batch are one
   * statement, applied together; `beforeInserts` makes its commit apply the updates first
   * (an update that frees a unique key an insert of the same commit takes).
   * @example await writer.update(Session, { where: { id, version: 3 }, set: { version: 4, status: 'completed' } }, msg.scope)
   */
  update<T extends object>(entity: EntityName<T>, changes: RowChange<T> | RowChange<T>[], unit?: object, options: { beforeInserts?: boolean } = {}): Promise<void> {
    return this.#add('update', entity, Array.isArray(changes) ? changes : [changes], unit, options.beforeInserts)
  }

  /** Hold the writes of `unit` (insert and update calls naming it) until release(unit). */
  hold(unit: object): void {
    if (!this.#held.has(unit)) this.#held.set(unit, [])
  }

  /** Is `unit` held (its writes wait for release())? */
  holds(unit: object): boolean {
    return this.#held.has(unit)
  }

  /** Queue every write `unit` held as one commit (nothing when it was not held). */
  release(unit: object): void {
    const writes = this.#held.get(unit)
    if (!writes) return
    this.#held.delete(unit)
    if (!writes.length) return
    this.#queue.push({ writes })
    this.#schedule()
  }

  #add(kind: Write['kind'], entity: EntityName<any>, rows: object[], unit: object | undefined, beforeInserts?: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const write: Write = { kind, entity, rows, resolve, reject, ...(beforeInserts && { beforeInserts }) }
      const held = unit && this.#held.get(unit)
      if (held) {
        held.push(write)
        return
      }
      this.#queue.push({ writes: [write] })
      this.#schedule()
    })
  }

  /** Resolves once the writer is idle: everything queued, also meanwhile, committed (or failed). */
  drain(): Promise<void> {
    if (this.#idle) return Promise.resolve()
    return new Promise((resolve) => this.#drained.push(resolve))
  }

  /** Nothing queued, nothing in flight (a turn is only asked for with writes queued). */
  get #idle(): boolean {
    return this.#queue.length === 0 && this.#inFlight === 0
  }

  #wakeDrained(): void {
    if (this.#idle) for (const resolve of this.#drained.splice(0)) resolve()
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.options.concurrency) return
    this.#scheduled = true
    // Let every message that is runnable in this turn add its rows before committing.
    this.clock.defer(() => {
      this.#scheduled = false
      void this.#flush()
    })
  }

  /** Runs in a turn asked for by #schedule(), which is only asked for with writes queued (and only a flush takes them). */
  async #flush(): Promise<void> {
    const batch = this.#queue.splice(0, this.options.maxBatch)
    this.#inFlight++
    if (this.#queue.length) this.#schedule()
    try {
      await this.#commit(batch)
      for (const pending of batch) for (const write of pending.writes) write.resolve()
    } catch (error) {
      if (batch.length === 1) {
        this.#failed(batch[0]!, error)
      } else {
        await this.#replayOneByOne(batch)
      }
    } finally {
      this.#inFlight--
      if (this.#queue.length) this.#schedule()
      else this.#wakeDrained()
    }
  }

  async #commit(batch: Pending[]): Promise<void> {
    const groups = this.#groups(batch)
    const updates = this.#updateGroups(batch)
    // Several units' updates and inserts as one statement (PostgreSQL), unless an update must come first.
    await this.#statements.commit(groups, updates, batch.length > 1 && !batch.some((p) => p.writes.some((w) => w.beforeInserts)))
  }

  /** The batch's rows by table and column set, values converted for the database. */
  #groups(batch: Pending[]): Group[] {
    const groups = new Map<string, Group>()
    for (const pending of batch) for (const write of pending.writes) {
      if (write.kind !== 'insert') continue
      const shape = this.#shape(write.entity)
      for (const row of write.rows) {
        const layout = layoutOf(shape, row)
        let group = groups.get(layout.id)
        if (!group) groups.set(layout.id, (group = { shape, layout, values: layout.keys.map(() => []), rows: 0 }))
        const { keys, columns } = layout
        for (let c = 0; c < keys.length; c++) group.values[c]!.push(columns[c]!.convert((row as Record<string, unknown>)[keys[c]!]))
        group.rows++
      }
    }
    return [...groups.values()]
  }

  /** The batch's row changes by table and by the columns they match and set. */
  #updateGroups(batch: Pending[]): UpdateGroup[] {
    const groups = new Map<string, UpdateGroup>()
    for (const pending of batch) for (const write of pending.writes) {
      if (write.kind !== 'update') continue
      const shape = this.#shape(write.entity)
      for (const change of write.rows as RowChange[]) {
        const layout = changeLayoutOf(shape, change, write.entity)
        let group = groups.get(layout.id)
        if (!group) groups.set(layout.id, (group = { shape, where: layout.where, set: layout.set, values: [], rows: 0, entity: Utils.className(write.entity) }))
        const { whereRowKeys, setKeys, where, set } = layout
        const values = new Array<unknown>(where.length + set.length)
        for (let c = 0; c < where.length; c++) values[c] = where[c]!.convert(change.where[whereRowKeys[c]!])
        for (let c = 0; c < set.length; c++) values[where.length + c] = set[c]!.convert(change.set[setKeys[c]!])
        group.values.push(values)
        group.rows++
      }
    }
    return [...groups.values()]
  }

  #shape(entity: EntityName<any>): TableShape {
    let shape = this.#shapes.get(entity)
    // Stryker disable next-line ConditionalExpression: a cache: the shape made again from the metadata is the same
    if (!shape) {
      const meta = this.orm.getMetadata().get(Utils.className(entity)) as EntityMetadata
      shape = { table: meta.tableName, columns: new Map(), layouts: new Map(), changeLayouts: new Map() }
      for (const prop of Object.values(meta.properties) as EntityProperty[]) {
        if ((prop.kind !== 'scalar' && prop.kind !== 'm:1') || !prop.fieldNames?.length || prop.persist === false) continue
        // Stryker disable next-line OptionalChaining,StringLiteral: after MikroORM's discovery every persisted property has its column type; the fallback is for none of them
        const type = prop.columnTypes?.[0] ?? 'text'
        const column: Column = { column: prop.fieldNames[0]!, type: SERIAL_TYPES[type] ?? type, convert: this.#converter(prop) }
        // MikroORM's own JSON type (whose conversion is JSON.stringify), not a subclass's.
        if (this.dialect === 'postgresql' && prop.customType?.convertToDatabaseValue === JsonType.prototype.convertToDatabaseValue && (type === 'json' || type === 'jsonb')) {
          Object.assign(column, { json: true, convert: (value: unknown) => value ?? null })
        }
        shape.columns.set(prop.name, column)
      }
      this.#shapes.set(entity, shape)
    }
    return shape
  }

  #converter(prop: EntityProperty): (value: unknown) => unknown {
    const platform = this.#platform
    if (prop.kind === 'm:1') return (value) => (value !== null && typeof value === 'object' ? (value as { id?: unknown }).id : (value ?? null))
    if (prop.customType) {
      const type = prop.customType
      return (value) => (value == null ? null : type.convertToDatabaseValue(value, platform, { mode: 'query' }))
    }
    const postgres = this.dialect === 'postgresql'
    return (value) => {
      if (value === undefined) return null
      // PostgreSQL parses ISO 8601 with its Z; on SQLite, sqliteValue() makes dates what MikroORM keeps (epoch ms) and booleans 0 and 1.
      if (postgres && value instanceof Date) return isoString(value)
      return value
    }
  }

  async #replayOneByOne(batch: Pending[]): Promise<void> {
    for (const pending of batch) {
      try {
        await this.#commit([pending])
        for (const write of pending.writes) write.resolve()
      } catch (error) {
        this.#failed(pending, error)
      }
    }
  }

  #failed(pending: Pending, error: unknown): void {
    for (const write of pending.writes) {
      const entity = Utils.className(write.entity)
      if (error instanceof StaleWriteError) this.#log.warn({ entity, rows: write.rows.length, stale: error.entity }, 'rows not written: a row they update changed since it was read')
      else this.#log.error({ err: error, entity, rows: write.rows.length }, 'could not write rows')
      write.reject(error)
    }
  }
}
