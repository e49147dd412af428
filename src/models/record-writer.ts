import { Utils, type EntityMetadata, type EntityName, type EntityProperty, type Platform, type RequiredEntityData } from '@mikro-orm/core'
import type { Knex } from '@mikro-orm/knex'
import { systemClock, type Clock } from '../core/clock.js'
import { getLogger } from '../core/logger.js'
import type { Dialect } from './migration.js'
import type { SqlOrm } from './orm.js'

interface Pending {
  entity: EntityName<any>
  rows: object[]
  resolve: () => void
  reject: (error: unknown) => void
}

/** How one entity's rows become columns and database values. */
interface Column {
  column: string
  /** The column's SQL type, for PostgreSQL's array casts (serial counts as int). */
  type: string
  convert: (value: unknown) => unknown
}

interface TableShape {
  table: string
  columns: Map<string, Column>
  /** Layouts by the row keys they were made for, and the last one used (rows mostly repeat it). */
  layouts: Map<string, Layout>
  last?: Layout
}

/** Which of a row's keys are columns: rows with the same keys share one. */
interface Layout {
  /** Every key of such a row, in order (to recognise the next row with the same keys). */
  rowKeys: string[]
  /** The keys that are columns, and those columns. */
  keys: string[]
  columns: Column[]
  /** Names the group of such rows in a batch: table and column keys. */
  id: string
}

/** Rows of one table with the same columns, as database values, column by column. */
interface Group {
  shape: TableShape
  layout: Layout
  /** values[c][r]: column c of row r. */
  values: unknown[][]
  rows: number
}

/**
 * One column as a PostgreSQL array literal (`{"a","b",NULL}`): every element quoted,
 * `"` and `\` escaped, so any text (braces, commas, the word NULL) stays itself. One join
 * instead of the driver's element-by-element concatenation.
 */
function arrayLiteral(values: unknown[]): string {
  const items = new Array<string>(values.length)
  for (let r = 0; r < values.length; r++) {
    const value = values[r]
    if (value === null || value === undefined) items[r] = 'NULL'
    else {
      const text = typeof value === 'string' ? value : String(value)
      items[r] = text.includes('"') || text.includes('\\') ? `"${text.replace(/["\\]/g, '\\$&')}"` : `"${text}"`
    }
  }
  return `{${items.join(',')}}`
}

const SERIAL_TYPES: Record<string, string> = { serial: 'int', bigserial: 'bigint', smallserial: 'smallint' }

/** Bound parameters per statement SQLite allows (32766), with room to spare. */
const SQLITE_MAX_PARAMS = 32_000

/**
 * Group commit: rows written by concurrent messages are inserted together, one transaction
 * for many messages. `insert()` resolves once its rows are committed. A batch that fails is
 * replayed write by write, so one bad row fails only its own writer.
 *
 * This is the hot path of every message (the message log, the database backend), so rows
 * become INSERTs built from the entity metadata, without the unit of work.
 */
export class RecordWriter {
  #queue: Pending[] = []
  #inFlight = 0
  #scheduled = false
  #shapes = new Map<EntityName<any>, TableShape>()
  /** Prepared statement names by SQL text (PostgreSQL). */
  #prepared = new Map<string, string>()
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
  }

  /** Insert rows (plain property values or entities for relations; no hooks run); resolves when committed. */
  insert<T extends object>(entity: EntityName<T>, rows: RequiredEntityData<T> | RequiredEntityData<T>[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ entity, rows: Array.isArray(rows) ? rows : [rows], resolve, reject })
      this.#schedule()
    })
  }

  /** Resolves once the writer is idle: everything queued, also meanwhile, committed (or failed). */
  drain(): Promise<void> {
    if (this.#idle) return Promise.resolve()
    return new Promise((resolve) => this.#drained.push(resolve))
  }

  get #idle(): boolean {
    return this.#queue.length === 0 && this.#inFlight === 0 && !this.#scheduled
  }

  #wakeDrained(): void {
    if (this.#drained.length && this.#idle) for (const resolve of this.#drained.splice(0)) resolve()
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

  async #flush(): Promise<void> {
    if (!this.#queue.length) {
      this.#wakeDrained()
      return
    }
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
      else this.#wakeDrained()
    }
  }

  async #commit(batch: Pending[]): Promise<void> {
    const groups = this.#groups(batch)
    if (this.dialect === 'postgresql') await this.#commitPostgres(groups)
    else await this.#commitSqlite(groups)
  }

  /** The batch's rows by table and column set, values converted for the database. */
  #groups(batch: Pending[]): Group[] {
    const groups = new Map<string, Group>()
    for (const write of batch) {
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

  /**
   * One statement, one round trip, atomic without BEGIN/COMMIT: each table's rows travel as
   * one array per column (`insert ... select * from unnest($1::int[], ...)`), so the SQL text
   * depends only on the tables and columns and PostgreSQL plans it once per connection
   * (a named prepared statement). Several tables: `with w0 as (insert ...), w1 as (...) select 1`.
   */
  async #commitPostgres(groups: Group[]): Promise<void> {
    const values: string[] = []
    const inserts = groups.map((group) => {
      const casts = group.layout.columns.map((c, i) => {
        values.push(arrayLiteral(group.values[i]!))
        return `$${values.length}::${c.type}[]`
      })
      return `${this.#insertHead(group)} select * from unnest(${casts.join(', ')})`
    })
    const text = inserts.length === 1 ? inserts[0]! : `with ${inserts.map((sql, i) => `w${i} as (${sql})`).join(', ')} select 1`
    let name = this.#prepared.get(text)
    if (!name) this.#prepared.set(text, (name = `rapidsms_write_${this.#prepared.size}`))
    // Straight to a pooled pg client: knex's placeholder rewriting would cost more than the insert.
    const knex = this.orm.em.getConnection().getKnex()
    const client = (await knex.client.acquireConnection()) as { query(query: { name: string; text: string; values: unknown[] }): Promise<unknown> }
    try {
      await client.query({ name, text, values })
    } finally {
      await knex.client.releaseConnection(client)
    }
  }

  /** Multi-row INSERTs (split to respect SQLite's parameter limit), in one transaction when several. */
  async #commitSqlite(groups: Group[]): Promise<void> {
    const statements: { sql: string; params: unknown[] }[] = []
    for (const group of groups) {
      const width = group.layout.keys.length
      const perStatement = Math.max(1, Math.floor(SQLITE_MAX_PARAMS / Math.max(1, width)))
      const placeholder = `(${group.layout.keys.map(() => '?').join(', ')})`
      for (let start = 0; start < group.rows; start += perStatement) {
        const end = Math.min(group.rows, start + perStatement)
        const params: unknown[] = []
        for (let r = start; r < end; r++) for (let c = 0; c < width; c++) params.push(group.values[c]![r])
        statements.push({ sql: `${this.#insertHead(group)} values ${Array.from({ length: end - start }, () => placeholder).join(', ')}`, params })
      }
    }
    const knex = this.orm.em.getConnection().getKnex()
    if (statements.length === 1) {
      await knex.raw(statements[0]!.sql, statements[0]!.params as Knex.RawBinding[])
      return
    }
    await knex.transaction(async (trx) => {
      for (const s of statements) await trx.raw(s.sql, s.params as Knex.RawBinding[])
    })
  }

  #insertHead(group: Group): string {
    const quote = (id: string) => this.#platform.quoteIdentifier(id)
    return `insert into ${quote(group.shape.table)} (${group.layout.columns.map((c) => quote(c.column)).join(', ')})`
  }

  #shape(entity: EntityName<any>): TableShape {
    let shape = this.#shapes.get(entity)
    if (!shape) {
      const meta = this.orm.getMetadata().get(Utils.className(entity)) as EntityMetadata
      shape = { table: meta.tableName, columns: new Map(), layouts: new Map() }
      for (const prop of Object.values(meta.properties) as EntityProperty[]) {
        if ((prop.kind !== 'scalar' && prop.kind !== 'm:1') || !prop.fieldNames?.length || prop.persist === false) continue
        const type = prop.columnTypes?.[0] ?? 'text'
        shape.columns.set(prop.name, { column: prop.fieldNames[0]!, type: SERIAL_TYPES[type] ?? type, convert: this.#converter(prop) })
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
    const sqlite = this.dialect === 'sqlite'
    return (value) => {
      if (value === undefined) return null
      // PostgreSQL parses ISO 8601 with its Z; SQLite keeps what MikroORM keeps (epoch ms).
      if (value instanceof Date) return sqlite ? platform.processDateProperty(value) : isoString(value)
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

/** The layout of a row's keys: the last one when the keys are the same, else found or made. */
function layoutOf(shape: TableShape, row: object): Layout {
  const rowKeys = Object.keys(row)
  const last = shape.last
  if (last && sameKeys(last.rowKeys, rowKeys)) return last
  const keys = rowKeys.filter((k) => shape.columns.has(k))
  const id = `${shape.table}\u0000${keys.join(',')}`
  let layout = shape.layouts.get(id)
  if (!layout) shape.layouts.set(id, (layout = { rowKeys, keys, columns: keys.map((k) => shape.columns.get(k)!), id }))
  else layout.rowKeys = rowKeys
  shape.last = layout
  return layout
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

const DAY_MS = 86_400_000
let isoDay = NaN
let isoDayPrefix = ''

/**
 * `date.toISOString()`, the same string, made faster: the day's part (`2026-11-27T`) is
 * formatted once per day and the time of day by arithmetic, since toISOString costs more
 * than the rest of a row's conversion.
 */
export function isoString(date: Date): string {
  const ms = date.getTime()
  if (!Number.isFinite(ms)) return date.toISOString()
  const day = Math.floor(ms / DAY_MS)
  if (day !== isoDay) {
    const iso = new Date(day * DAY_MS).toISOString()
    isoDayPrefix = iso.slice(0, iso.indexOf('T') + 1)
    isoDay = day
  }
  let rest = ms - day * DAY_MS
  const hours = Math.floor(rest / 3_600_000)
  rest -= hours * 3_600_000
  const minutes = Math.floor(rest / 60_000)
  rest -= minutes * 60_000
  const seconds = Math.floor(rest / 1000)
  const millis = rest - seconds * 1000
  return `${isoDayPrefix}${hours < 10 ? '0' : ''}${hours}:${minutes < 10 ? '0' : ''}${minutes}:${seconds < 10 ? '0' : ''}${seconds}.${millis < 100 ? (millis < 10 ? '00' : '0') : ''}${millis}Z`
}
