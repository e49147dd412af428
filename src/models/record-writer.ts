import { Utils, type EntityMetadata, type EntityName, type EntityProperty, type Platform, type RequiredEntityData } from '@mikro-orm/core'
import type { Knex } from '@mikro-orm/knex'
import { getLogger } from '../core/logger.js'
import type { Dialect } from './migration.js'
import type { SqlOrm } from './orm.js'

interface Pending {
  entity: EntityName<any>
  rows: object[]
  resolve: () => void
  reject: (error: unknown) => void
}

/** One parameterised statement. */
interface Statement {
  sql: string
  params: unknown[]
}

/** How one entity's rows become columns and database values. */
interface TableShape {
  table: string
  columns: Map<string, { column: string; convert: (value: unknown) => unknown }>
}

/** `?` placeholders to PostgreSQL's `$1, $2...` (our statements hold no other `?`). */
function numbered(sql: string): string {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

/** Bound parameters per statement: PostgreSQL allows 65535, SQLite 32766. */
const MAX_PARAMS: Record<Dialect, number> = { postgresql: 65_000, sqlite: 32_000 }

/**
 * Group commit: rows written by concurrent messages are inserted together, one transaction
 * for many messages. `insert()` resolves once its rows are committed. A batch that fails is
 * replayed write by write, so one bad row fails only its own writer.
 *
 * This is the hot path of every message (the message log, the database backend), so rows
 * become multi-row INSERTs built from the entity metadata, without the unit of work. On
 * PostgreSQL the inserts of a batch travel as one statement (data-modifying CTEs), which is
 * atomic without BEGIN/COMMIT round trips.
 */
export class RecordWriter {
  #queue: Pending[] = []
  #inFlight = 0
  #scheduled = false
  #shapes = new Map<EntityName<any>, TableShape>()
  #log = getLogger('rapidsms.models.writer')
  readonly #platform: Platform

  constructor(
    private readonly orm: SqlOrm,
    private readonly dialect: Dialect,
    private readonly options: { concurrency: number; maxBatch: number } = { concurrency: 1, maxBatch: 2000 },
  ) {
    this.#platform = orm.em.getPlatform()
  }

  /** Insert rows (plain property values or entities for relations; no hooks run); resolves when committed. */
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
    if (this.#queue.length) this.#schedule()
    try {
      await this.#commit(batch)
      for (const write of batch) write.resolve()
    } catch (error) {
      if (batch.length === 1) {
        this.#failed(batch[0]!, error)
      } else {
        await this.#replayOneByOne(batch)
      }
    } finally {
      this.#inFlight--
      if (this.#queue.length) this.#schedule()
    }
  }

  async #commit(batch: Pending[]): Promise<void> {
    const statements = this.#statements(batch)
    const knex = this.orm.em.getConnection().getKnex()
    const paramCount = statements.reduce((n, s) => n + s.params.length, 0)
    if (this.dialect === 'postgresql' && paramCount <= MAX_PARAMS.postgresql) {
      // One statement, one round trip, atomic: WITH w0 AS (INSERT ...), w1 AS (INSERT ...) SELECT 1.
      // It goes straight to a pooled pg client: knex's placeholder rewriting costs more than the insert.
      const sql = statements.length === 1 ? statements[0]!.sql : `with ${statements.map((s, i) => `w${i} as (${s.sql})`).join(', ')} select 1`
      const client = (await knex.client.acquireConnection()) as { query(sql: string, params: unknown[]): Promise<unknown> }
      try {
        await client.query(numbered(sql), statements.length === 1 ? statements[0]!.params : statements.flatMap((s) => s.params))
      } finally {
        await knex.client.releaseConnection(client)
      }
      return
    }
    if (statements.length === 1) {
      await knex.raw(statements[0]!.sql, statements[0]!.params as Knex.RawBinding[])
      return
    }
    await knex.transaction(async (trx) => {
      for (const s of statements) await trx.raw(s.sql, s.params as Knex.RawBinding[])
    })
  }

  /** Multi-row INSERTs: one per table and column set, split to respect the parameter limit. */
  #statements(batch: Pending[]): Statement[] {
    const groups = new Map<string, { shape: TableShape; keys: string[]; rows: object[] }>()
    for (const write of batch) {
      const shape = this.#shape(write.entity)
      for (const row of write.rows) {
        const keys = Object.keys(row).filter((k) => shape.columns.has(k))
        const id = `${shape.table}\u0000${keys.join(',')}`
        const group = groups.get(id)
        if (group) group.rows.push(row)
        else groups.set(id, { shape, keys, rows: [row] })
      }
    }
    const statements: Statement[] = []
    for (const { shape, keys, rows } of groups.values()) {
      const columns = keys.map((k) => shape.columns.get(k)!)
      const perStatement = Math.max(1, Math.floor(MAX_PARAMS[this.dialect] / Math.max(1, keys.length)))
      const placeholder = `(${keys.map(() => '?').join(', ')})`
      const head = `insert into ${this.#platform.quoteIdentifier(shape.table)} (${columns.map((c) => this.#platform.quoteIdentifier(c.column)).join(', ')}) values `
      for (let start = 0; start < rows.length; start += perStatement) {
        const chunk = rows.slice(start, start + perStatement)
        const params: unknown[] = []
        for (const row of chunk) {
          for (let i = 0; i < keys.length; i++) params.push(columns[i]!.convert((row as Record<string, unknown>)[keys[i]!]))
        }
        statements.push({ sql: head + chunk.map(() => placeholder).join(', '), params })
      }
    }
    return statements
  }

  #shape(entity: EntityName<any>): TableShape {
    let shape = this.#shapes.get(entity)
    if (!shape) {
      const meta = this.orm.getMetadata().get(Utils.className(entity)) as EntityMetadata
      shape = { table: meta.tableName, columns: new Map() }
      for (const prop of Object.values(meta.properties) as EntityProperty[]) {
        if ((prop.kind !== 'scalar' && prop.kind !== 'm:1') || !prop.fieldNames?.length || prop.persist === false) continue
        shape.columns.set(prop.name, { column: prop.fieldNames[0]!, convert: this.#converter(prop) })
      }
      this.#shapes.set(entity, shape)
    }
    return shape
  }

  #converter(prop: EntityProperty): (value: unknown) => unknown {
    const platform = this.#platform
    if (prop.kind === 'm:1') {
      return (value) => (value !== null && typeof value === 'object' ? (value as { id?: unknown }).id : (value ?? null))
    }
    if (prop.customType) {
      const type = prop.customType
      return (value) => (value == null ? null : type.convertToDatabaseValue(value, platform, { mode: 'query' }))
    }
    const sqlite = this.dialect === 'sqlite'
    return (value) => {
      if (value === undefined) return null
      // PostgreSQL parses ISO 8601 with its Z; SQLite keeps what MikroORM keeps (epoch ms).
      if (value instanceof Date) return sqlite ? platform.processDateProperty(value) : value.toISOString()
      if (sqlite && typeof value === 'boolean') return value ? 1 : 0
      return value
    }
  }

  async #replayOneByOne(batch: Pending[]): Promise<void> {
    for (const write of batch) {
      try {
        await this.#commit([write])
        write.resolve()
      } catch (error) {
        this.#failed(write, error)
      }
    }
  }

  #failed(write: Pending, error: unknown): void {
    const entity = Utils.className(write.entity)
    this.#log.error({ err: error, entity, rows: write.rows.length }, 'could not write rows')
    write.reject(error)
  }
}
