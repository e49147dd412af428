import type { Knex } from '@mikro-orm/knex'
import type { Dialect } from '../../models/index.js'

/** A column a page is ordered by: its SQL, its name in the result rows, and whether it holds dates. */
export interface SortColumn {
  sql: string
  field: string
  date?: boolean
}

/** The values of the order's columns in one row: where a page starts or ends. */
export type Cursor = (string | number)[]

/** Which page: the first, the one after a cursor, or the one before it. */
export interface PageRequest {
  after?: Cursor
  before?: Cursor
}

/** One page of rows, with the cursors of the pages beside it (when there are any). */
export interface KeysetPage<R> {
  rows: R[]
  next?: string
  prev?: string
}

/** A cursor as it travels in URLs (`?after=...`): base64url JSON. */
export function encodeCursor(values: Cursor): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

/** The cursor of a URL, or undefined when it is missing or not one of `length` plain values. */
export function decodeCursor(value: string | undefined, length: number): Cursor | undefined {
  if (!value || value.length > 2000) return undefined
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
    if (!Array.isArray(parsed) || parsed.length !== length || !parsed.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) return undefined
    return parsed as Cursor
  } catch {
    return undefined
  }
}

/** The page a request asks for, from its `after` and `before` parameters. */
export function pageRequest(query: (name: string) => string | undefined, order: readonly SortColumn[]): PageRequest {
  const after = decodeCursor(query('after'), order.length)
  if (after) return { after }
  const before = decodeCursor(query('before'), order.length)
  return before ? { before } : {}
}

// A cursor keeps a date as the database gave it (SQLite's milliseconds, PostgreSQL's text
// with its microseconds), so the next page starts exactly after the last row.
function cursorValue(column: SortColumn, value: unknown): string | number {
  if (column.date && value instanceof Date) return value.toISOString()
  return typeof value === 'number' ? value : String(value)
}

function placeholder(dialect: Dialect, column: SortColumn): string {
  return column.date && dialect === 'postgresql' ? 'cast(? as timestamptz)' : '?'
}

function cursorOf<R extends Record<string, unknown>>(row: R, order: readonly SortColumn[]): string {
  return encodeCursor(order.map((column) => cursorValue(column, row[column.field])))
}

/**
 * Read one page by keyset, never by OFFSET: rows strictly after (or before) the cursor in
 * the order of `order` (every column in the same direction, the last one unique, e.g. the
 * id), at most `size` of them, plus one to know whether another page follows. No count of
 * the table: a page costs the same at the start and deep in a million rows, given an index
 * on the order's columns.
 * @example
 * const page = await keysetPage(knex('messagelog_message'), [{ sql: 'date', field: 'date', date: true }, { sql: 'id', field: 'id' }], 'desc', {}, 50, 'postgresql')
 */
export async function keysetPage<R extends Record<string, unknown>>(
  query: Knex.QueryBuilder,
  order: readonly SortColumn[],
  direction: 'asc' | 'desc',
  page: PageRequest,
  size: number,
  dialect: Dialect,
): Promise<KeysetPage<R>> {
  const backwards = !page.after && page.before !== undefined
  const cursor = page.after ?? page.before
  const reading = backwards ? (direction === 'asc' ? 'desc' : 'asc') : direction
  if (cursor) {
    const columns = order.map((c) => c.sql).join(', ')
    const holes = order.map((c) => placeholder(dialect, c)).join(', ')
    query.whereRaw(`(${columns}) ${reading === 'asc' ? '>' : '<'} (${holes})`, cursor as Knex.RawBinding[])
  }
  for (const column of order) query.orderByRaw(`${column.sql} ${reading}`)
  const found = (await query.limit(size + 1)) as R[]
  const more = found.length > size
  const rows = found.slice(0, size)
  if (backwards) rows.reverse()
  const first = rows[0]
  const last = rows[rows.length - 1]
  return {
    rows,
    next: last && (backwards || more) ? cursorOf(last, order) : undefined,
    prev: first && (backwards ? more : page.after !== undefined) ? cursorOf(first, order) : undefined,
  }
}
