import { JsonType, Utils, type EntityMetadata, type EntityName, type EntityProperty, type Platform, type RequiredEntityData } from '@mikro-orm/core'
import { systemClock, type Clock } from '../core/clock.js'
import { getLogger } from '../core/logger.js'
import type { Dialect } from './migration.js'
import type { SqlOrm } from './orm.js'

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

/**
 * A change of one row: the row `where` names (its key, and for optimistic concurrency the
 * version it was read at) gets the values of `set`. It must match exactly one row.
 */
export interface RowChange<T = Record<string, unknown>> {
  where: Partial<T>
  set: Partial<T>
}

/** An update matched no row (or several): someone else changed the row since it was read. */
export class StaleWriteError extends Error {
  override name = 'StaleWriteError'
  constructor(
    readonly entity: string,
    readonly expected: number,
    readonly matched: number,
  ) {
    super(`${entity}: ${expected} row(s) to update matched ${matched}; the rows changed since they were read`)
  }
}

/** How one entity's rows become columns and database values. */
interface Column {
  column: string
  /** The column's SQL type, for PostgreSQL's array casts (serial counts as int). */
  type: string
  convert: (value: unknown) => unknown
  /**
   * A JSON column on PostgreSQL: its values stay as they are (convert only makes undefined
   * null) and travel as one JSON array (see `columnParam`), not as an array literal of texts.
   */
  json?: boolean
}

interface TableShape {
  table: string
  columns: Map<string, Column>
  /** Layouts by the row keys they were made for, and the last one used (rows mostly repeat it). */
  layouts: Map<string, Layout>
  last?: Layout
  /** The same for row changes: by the keys of `where` and `set`. */
  changeLayouts: Map<string, ChangeLayout>
  lastChange?: ChangeLayout
}

/** Which columns a row change matches and sets: changes with the same keys share one. */
interface ChangeLayout {
  /** Every key of such a change's `where` and `set`, in order (to recognise the next one). */
  whereRowKeys: string[]
  setRowKeys: string[]
  /** The keys of `set` that are columns, and the columns of both. */
  setKeys: string[]
  where: Column[]
  set: Column[]
  /** Names the group of such changes in a batch: table and column keys. */
  id: string
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
    if (value == null) items[r] = 'NULL'
    else {
      let text = String(value)
      // Stryker disable next-line ConditionalExpression,StringLiteral: escaping a text without `"` or `\` leaves it as it is; the test only spares it the replace
      if (text.includes('"') || text.includes('\\')) {
        text = text.replace(/["\\]/g, '\\$&')
      }
      items[r] = `"${text}"`
    }
  }
  return `{${items.join(',')}}`
}

/**
 * One column's values as a statement parameter and the SQL of that array (`$3::int[]`).
 * A JSON column's values go as one JSON document (`[{...},null,...]`: one JSON.stringify,
 * none of the array literal's quoting of every `"` in them), unpacked in order into the
 * column's array type, JSON null as SQL NULL (the writer stores null and undefined as NULL).
 */
function columnParam(column: Column, values: unknown[], n: number): { value: string; sql: string } {
  if (!column.json) return { value: arrayLiteral(values), sql: `$${n}::${column.type}[]` }
  return {
    // Array elements that are undefined become null.
    value: JSON.stringify(values),
    sql: `array(select (case when json_typeof(e) = 'null' then null else e end)::${column.type} from json_array_elements($${n}::json) with ordinality as j(e, i) order by i)`,
  }
}

const SERIAL_TYPES: Record<string, string> = { serial: 'int', bigserial: 'bigint', smallserial: 'smallint' }

/** Bound parameters per statement SQLite allows (32766), with room to spare. */
const SQLITE_MAX_PARAMS = 32_000

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
  /** Prepared statement names by SQL text (PostgreSQL). */
  #prepared = new Map<string, string>()
  /** Prepared statements of each SQLite connection (the pool replaces connections now and then). */
  #sqlitePrepared = new WeakMap<SqliteConnection, Map<string, Prepared>>()
  #sqliteTransactions = 0
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
    if (this.dialect === 'postgresql') await this.#commitPostgres(groups, updates, batch.length > 1 && !batch.some((p) => p.writes.some((w) => w.beforeInserts)))
    else await this.#commitSqlite(groups, updates)
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

  /**
   * One statement, one round trip, atomic without BEGIN/COMMIT: each table's rows travel as
   * one array per column (`insert ... select * from unnest($1::int[], ...)`), so the SQL text
   * depends only on the tables and columns and PostgreSQL plans it once per connection
   * (a named prepared statement). Several tables: `with w0 as (insert ...), w1 as (...) select 1`.
   */
  async #commitPostgres(groups: Group[], updates: UpdateGroup[], together: boolean): Promise<void> {
    const values: string[] = []
    const inserts = groups.map((group) => {
      const casts = group.layout.columns.map((c, i) => {
        const param = columnParam(c, group.values[i]!, values.length + 1)
        values.push(param.value)
        return param.sql
      })
      return `${this.#insertHead(group)} select * from unnest(${casts.join(', ')})`
    })
    const text = inserts.length === 1 ? inserts[0]! : `with ${inserts.map((sql, i) => `w${i} as (${sql})`).join(', ')} select 1`
    // Straight to a pooled pg client: knex's placeholder rewriting would cost more than the insert.
    const knex = this.orm.em.getConnection().getKnex()
    const client = (await knex.client.acquireConnection()) as PgClient
    try {
      if (!updates.length) {
        await client.query({ name: this.#statementName(text), text, values })
        return
      }
      if (together) return await this.#updateAndInsert(client, inserts, values, updates)
      // Each update checks how many rows it matched, then the inserts: a transaction of their own.
      await client.query('begin')
      try {
        for (const group of updates) {
          const { text: sql, values: params } = this.#updatePostgres(group)
          const result = await client.query({ name: this.#statementName(sql), text: sql, values: params })
          if (result.rowCount !== group.rows) throw new StaleWriteError(group.entity, group.rows, result.rowCount ?? 0)
        }
        if (inserts.length) await client.query({ name: this.#statementName(text), text, values })
        await client.query('commit')
      } catch (error) {
        await client.query('rollback')
        throw error
      }
    } finally {
      await knex.client.releaseConnection(client)
    }
  }

  /**
   * A batch's updates and inserts in one statement (one round trip, atomic): each update a
   * CTE, and the statement fails (division by zero, rolling it all back) when an update
   * matched another number of rows than it has changes. The batch is then replayed unit by
   * unit (as any failed batch of several), each in a transaction that says which update was stale.
   */
  async #updateAndInsert(client: PgClient, inserts: string[], values: string[], updates: UpdateGroup[]): Promise<void> {
    const ctes: string[] = []
    const checks: string[] = []
    const params = [...values]
    updates.forEach((group, k) => {
      const { text, values: own } = this.#updatePostgres(group, params.length)
      params.push(...own)
      ctes.push(`u${k} as (${text} returning 1)`)
      checks.push(`(select count(*) from u${k}) = ${group.rows}`)
    })
    inserts.forEach((sql, i) => ctes.push(`w${i} as (${sql})`))
    const text = `with ${ctes.join(', ')} select 1 / (case when ${checks.join(' and ')} then 1 else 0 end)`
    await client.query({ name: this.#statementName(text), text, values: params })
  }

  #statementName(text: string): string {
    let name = this.#prepared.get(text)
    if (!name) this.#prepared.set(text, (name = `rapidsms_write_${this.#prepared.size}`))
    return name
  }

  /**
   * `update t set c = v.c from unnest($1::int[], ...) as v(...) where t.k = v.k`: one
   * statement per table and column set, however many rows; its row count says how many matched.
   */
  #updatePostgres(group: UpdateGroup, offset = 0): { text: string; values: string[] } {
    const quote = (id: string) => this.#platform.quoteIdentifier(id)
    const columns = [...group.where, ...group.set]
    const names = columns.map((_, i) => (i < group.where.length ? `w${i}` : `s${i}`))
    const params = columns.map((c, i) => columnParam(c, group.values.map((row) => row[i]), offset + i + 1))
    const values = params.map((p) => p.value)
    const casts = params.map((p) => p.sql)
    const set = group.set.map((c, i) => `${quote(c.column)} = v.${names[group.where.length + i]}`)
    const where = group.where.map((c, i) => `t.${quote(c.column)} = v.${names[i]}`)
    const text = `update ${quote(group.shape.table)} as t set ${set.join(', ')} from unnest(${casts.join(', ')}) as v(${names.join(', ')}) where ${where.join(' and ')}`
    return { text, values }
  }

  /**
   * Multi-row INSERTs, in one transaction when several, straight on the pooled libsql
   * connection: knex would rewrite every placeholder and libsql would compile the statement
   * again on every call. Each group goes in statements of a power of two rows (at most
   * SQLite's parameter limit), so a table has a handful of statement texts, each prepared
   * once per connection and kept. Knex's `query` listeners (query logging) still see each
   * statement, those of one transaction with one `__knexTxId`.
   */
  async #commitSqlite(groups: Group[], updates: UpdateGroup[]): Promise<void> {
    const knex = this.orm.em.getConnection().getKnex()
    const connection = (await knex.client.acquireConnection()) as SqliteConnection
    try {
      const statements: { statement: Prepared; params: unknown[] }[] = []
      for (const group of groups) {
        const width = group.layout.keys.length
        const most = 2 ** Math.floor(Math.log2(Math.max(1, Math.floor(SQLITE_MAX_PARAMS / Math.max(1, width)))))
        for (let start = 0; start < group.rows; ) {
          const size = Math.min(most, 2 ** Math.floor(Math.log2(group.rows - start)))
          const params = new Array<unknown>(size * width)
          let i = 0
          for (let r = start; r < start + size; r++) for (let c = 0; c < width; c++) params[i++] = sqliteValue(group.values[c]![r])
          statements.push({ statement: this.#sqliteInsert(connection, group, size), params })
          start += size
        }
      }
      // Announced as knex announces a query: before it runs.
      // Stryker disable next-line ConditionalExpression: announcing to no listener only costs the events; no listener sees them
      const announce = knex.listenerCount('query') ? (sql: string, params: unknown[], tx?: string) => knex.emit('query', { method: 'raw', sql, bindings: params, __knexTxId: tx }) : undefined
      if (statements.length === 1 && !updates.length) {
        const { statement, params } = statements[0]!
        announce?.(statement.sql, params)
        statement.run(params)
        return
      }
      const tx = announce && `rapidsms_writer_trx${++this.#sqliteTransactions}`
      connection.exec('begin')
      try {
        for (const group of updates) {
          const statement = this.#sqliteUpdate(connection, group)
          const width = group.where.length
          let matched = 0
          for (const row of group.values) {
            const params = [...row.slice(width), ...row.slice(0, width)].map(sqliteValue)
            announce?.(statement.sql, params, tx)
            matched += Number(statement.run(params).changes ?? 0)
          }
          if (matched !== group.rows) throw new StaleWriteError(group.entity, group.rows, matched)
        }
        for (const s of statements) {
          announce?.(s.statement.sql, s.params, tx)
          s.statement.run(s.params)
        }
        connection.exec('commit')
      } catch (error) {
        if (connection.inTransaction) connection.exec('rollback')
        throw error
      }
    } finally {
      await knex.client.releaseConnection(connection)
    }
  }

  /** The connection's prepared statements by SQL (and, for inserts, by layout and rows). */
  #sqliteStatements(connection: SqliteConnection): Map<string, Prepared> {
    let statements = this.#sqlitePrepared.get(connection)
    if (!statements) this.#sqlitePrepared.set(connection, (statements = new Map()))
    return statements
  }

  #sqliteInsert(connection: SqliteConnection, group: Group, rows: number): Prepared {
    const statements = this.#sqliteStatements(connection)
    const key = `${group.layout.id}\u0000${rows}`
    let statement = statements.get(key)
    if (!statement) {
      const placeholder = `(${group.layout.keys.map(() => '?').join(', ')})`
      const sql = `${this.#insertHead(group)} values ${Array.from({ length: rows }, () => placeholder).join(', ')}`
      statements.set(key, (statement = prepared(connection, sql)))
    }
    return statement
  }

  #sqliteUpdate(connection: SqliteConnection, group: UpdateGroup): Prepared {
    const quote = (id: string) => this.#platform.quoteIdentifier(id)
    const sql = `update ${quote(group.shape.table)} set ${group.set.map((c) => `${quote(c.column)} = ?`).join(', ')} where ${group.where.map((c) => `${quote(c.column)} = ?`).join(' and ')}`
    const statements = this.#sqliteStatements(connection)
    let statement = statements.get(sql)
    if (!statement) statements.set(sql, (statement = prepared(connection, sql)))
    return statement
  }

  #insertHead(group: Group): string {
    const quote = (id: string) => this.#platform.quoteIdentifier(id)
    return `insert into ${quote(group.shape.table)} (${group.layout.columns.map((c) => quote(c.column)).join(', ')})`
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

/** Row changes of one table that match and set the same columns. */
interface UpdateGroup {
  shape: TableShape
  entity: string
  where: Column[]
  set: Column[]
  /** values[r]: the where values then the set values of change r. */
  values: unknown[][]
  rows: number
}

/** What the pg client's query() answers. */
interface PgClient {
  query(query: { name: string; text: string; values: unknown[] } | string): Promise<{ rowCount: number | null }>
}

/** A libsql connection as knex's pool hands it out (synchronous, better-sqlite3's API). */
interface SqliteConnection {
  prepare(sql: string): SqliteStatement
  exec(sql: string): void
  readonly inTransaction: boolean
}

interface SqliteStatement {
  run(params: unknown[]): { changes?: number }
}

/** A statement prepared on a SQLite connection, and its SQL (for knex's query listeners). */
interface Prepared {
  sql: string
  run(params: unknown[]): { changes?: number }
}

function prepared(connection: SqliteConnection, sql: string): Prepared {
  const statement = connection.prepare(sql)
  return { sql, run: (params) => statement.run(params) }
}

/** A value as knex binds it for SQLite: dates as epoch milliseconds, booleans as 0 and 1. */
function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.valueOf()
  if (typeof value === 'boolean') return Number(value)
  return value
}

/** The layout of a row's keys: the last one when the keys are the same, else found or made. */
function layoutOf(shape: TableShape, row: object): Layout {
  const rowKeys = Object.keys(row)
  const last = shape.last
  // Stryker disable next-line ConditionalExpression: a fast path: the lookup below finds the same layout
  if (last && sameKeys(last.rowKeys, rowKeys)) return last
  const keys = rowKeys.filter((k) => shape.columns.has(k))
  const id = `${shape.table}\u0000${keys.join(',')}`
  let layout = shape.layouts.get(id)
  // Stryker disable next-line ConditionalExpression: a cache: a layout made again for the same keys is the same
  if (!layout) shape.layouts.set(id, (layout = { rowKeys, keys, columns: keys.map((k) => shape.columns.get(k)!), id }))
  else layout.rowKeys = rowKeys
  shape.last = layout
  return layout
}

/** The layout of a row change's keys: the last one when the keys are the same, else found or made. */
function changeLayoutOf(shape: TableShape, change: RowChange, entity: EntityName<any>): ChangeLayout {
  const whereRowKeys = Object.keys(change.where)
  const setRowKeys = Object.keys(change.set)
  const last = shape.lastChange
  // Stryker disable next-line ConditionalExpression: a fast path: the lookup below finds the same layout
  if (last && sameKeys(last.whereRowKeys, whereRowKeys) && sameKeys(last.setRowKeys, setRowKeys)) return last
  const where = whereRowKeys.map((k) => {
    const found = shape.columns.get(k)
    if (!found) throw new Error(`${Utils.className(entity)} has no column for "${k}"`)
    return found
  })
  const setKeys = setRowKeys.filter((k) => shape.columns.has(k))
  const id = `${shape.table}\u0000${whereRowKeys.join(',')}\u0000${setKeys.join(',')}`
  let layout = shape.changeLayouts.get(id)
  // Stryker disable next-line ConditionalExpression: a cache: a layout made again for the same keys is the same
  if (!layout) shape.changeLayouts.set(id, (layout = { whereRowKeys, setRowKeys, setKeys, where, set: setKeys.map((k) => shape.columns.get(k)!), id }))
  else layout.setRowKeys = setRowKeys
  shape.lastChange = layout
  return layout
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false
  // Stryker disable next-line EqualityOperator: the lengths are equal, and one past the end compares undefined with undefined
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false
  }
  // Stryker disable next-line BooleanLiteral: only the layout fast paths ask; false sends them to the lookup, which finds the same layout
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
  // Stryker disable next-line ConditionalExpression: a cache of the day's text: formatted again it is the same
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
