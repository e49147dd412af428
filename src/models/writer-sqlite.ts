import type { Platform } from '@mikro-orm/core'
import type { SqlOrm } from './orm.js'
import { insertHead, StaleWriteError, type DialectCommits, type Group, type UpdateGroup } from './writer-rows.js'

/** Bound parameters per statement SQLite allows (32766), with room to spare. */
const SQLITE_MAX_PARAMS = 32_000

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

/** The group-commit writer's statements on SQLite: prepared once per connection, a batch in one transaction. */
export class SqliteCommits implements DialectCommits {
  /** Prepared statements of each connection (the pool replaces connections now and then). */
  #prepared = new WeakMap<SqliteConnection, Map<string, Prepared>>()
  #transactions = 0

  constructor(
    private readonly orm: SqlOrm,
    private readonly platform: Platform,
  ) {}

  /**
   * Multi-row INSERTs, in one transaction when several, straight on the pooled libsql
   * connection: knex would rewrite every placeholder and libsql would compile the statement
   * again on every call. Each group goes in statements of a power of two rows (at most
   * SQLite's parameter limit), so a table has a handful of statement texts, each prepared
   * once per connection and kept. Knex's `query` listeners (query logging) still see each
   * statement, those of one transaction with one `__knexTxId`.
   */
  async commit(groups: Group[], updates: UpdateGroup[]): Promise<void> {
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
          statements.push({ statement: this.#insert(connection, group, size), params })
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
      const tx = announce && `rapidsms_writer_trx${++this.#transactions}`
      connection.exec('begin')
      try {
        for (const group of updates) {
          const statement = this.#update(connection, group)
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
  #statements(connection: SqliteConnection): Map<string, Prepared> {
    let statements = this.#prepared.get(connection)
    if (!statements) this.#prepared.set(connection, (statements = new Map()))
    return statements
  }

  #insert(connection: SqliteConnection, group: Group, rows: number): Prepared {
    const statements = this.#statements(connection)
    const key = `${group.layout.id}\u0000${rows}`
    let statement = statements.get(key)
    if (!statement) {
      const placeholder = `(${group.layout.keys.map(() => '?').join(', ')})`
      const sql = `${insertHead(this.platform, group)} values ${Array.from({ length: rows }, () => placeholder).join(', ')}`
      statements.set(key, (statement = prepared(connection, sql)))
    }
    return statement
  }

  #update(connection: SqliteConnection, group: UpdateGroup): Prepared {
    const quote = (id: string) => this.platform.quoteIdentifier(id)
    const sql = `update ${quote(group.shape.table)} set ${group.set.map((c) => `${quote(c.column)} = ?`).join(', ')} where ${group.where.map((c) => `${quote(c.column)} = ?`).join(' and ')}`
    const statements = this.#statements(connection)
    let statement = statements.get(sql)
    if (!statement) statements.set(sql, (statement = prepared(connection, sql)))
    return statement
  }
}
