import type { Platform } from '@mikro-orm/core'
import type { SqlOrm } from './orm.js'
import { insertHead, StaleWriteError, type Column, type DialectCommits, type Group, type UpdateGroup } from './writer-rows.js'

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

/** What the pg client's query() answers. */
interface PgClient {
  query(query: { name: string; text: string; values: unknown[] } | string): Promise<{ rowCount: number | null }>
}

/** The group-commit writer's statements on PostgreSQL: a batch as one statement where it can be. */
export class PostgresCommits implements DialectCommits {
  /** Prepared statement names by SQL text. */
  #prepared = new Map<string, string>()

  constructor(
    private readonly orm: SqlOrm,
    private readonly platform: Platform,
  ) {}

  /**
   * One statement, one round trip, atomic without BEGIN/COMMIT: each table's rows travel as
   * one array per column (`insert ... select * from unnest($1::int[], ...)`), so the SQL text
   * depends only on the tables and columns and PostgreSQL plans it once per connection
   * (a named prepared statement). Several tables: `with w0 as (insert ...), w1 as (...) select 1`.
   */
  async commit(groups: Group[], updates: UpdateGroup[], together: boolean): Promise<void> {
    const values: string[] = []
    const inserts = groups.map((group) => {
      const casts = group.layout.columns.map((c, i) => {
        const param = columnParam(c, group.values[i]!, values.length + 1)
        values.push(param.value)
        return param.sql
      })
      return `${insertHead(this.platform, group)} select * from unnest(${casts.join(', ')})`
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
          const { text: sql, values: params } = this.#update(group)
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
      const { text, values: own } = this.#update(group, params.length)
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
  #update(group: UpdateGroup, offset = 0): { text: string; values: string[] } {
    const quote = (id: string) => this.platform.quoteIdentifier(id)
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
}
