import type { Transaction } from '@mikro-orm/core'
import type { Database } from './database.js'

/** Runs one SQL statement (`?` placeholders) and gives its rows. */
export type RunSql = <T = Record<string, unknown>>(sql: string, params: unknown[]) => Promise<T[]>

/** `n` placeholders, for `in (...)` and multi-row values. */
export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ')

/**
 * Statements as plain SQL for both databases, for code that runs a few of them per message
 * or batch (the DatabaseRouter, the bulk sender): they skip the ORM's query building and
 * unit of work, as the group-commit writer does. Dates are bound as each database keeps them
 * (SQLite: epoch milliseconds).
 */
export abstract class SqlStatements {
  constructor(protected readonly db: Database) {}

  /** Statements in `trx`, or (without) each committing by itself. */
  protected runner(trx?: Transaction): RunSql {
    const connection = this.db.orm.em.getConnection()
    return <T>(sql: string, params: unknown[]) => connection.execute<T[]>(sql, params, 'all', trx) as Promise<T[]>
  }

  /** Run `work` in one transaction. */
  protected inTransaction<T>(work: (run: RunSql) => Promise<T>): Promise<T> {
    return this.db.orm.em.getConnection().transactional((trx) => work(this.runner(trx)))
  }

  /** A date as a statement's parameter. */
  protected dateParam(date: Date | null): unknown {
    if (date === null) return null
    return this.db.dialect === 'sqlite' ? date.getTime() : date
  }
}
