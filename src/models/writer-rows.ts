import { Utils, type EntityName, type Platform } from '@mikro-orm/core'

// The group-commit writer's rows (see RecordWriter): how an entity's rows and row changes
// become columns and database values, grouped by table and column set for one statement.

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
export interface Column {
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

export interface TableShape {
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
export interface ChangeLayout {
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
export interface Layout {
  /** Every key of such a row, in order (to recognise the next row with the same keys). */
  rowKeys: string[]
  /** The keys that are columns, and those columns. */
  keys: string[]
  columns: Column[]
  /** Names the group of such rows in a batch: table and column keys. */
  id: string
}

/** Rows of one table with the same columns, as database values, column by column. */
export interface Group {
  shape: TableShape
  layout: Layout
  /** values[c][r]: column c of row r. */
  values: unknown[][]
  rows: number
}

/** Row changes of one table that match and set the same columns. */
export interface UpdateGroup {
  shape: TableShape
  entity: string
  where: Column[]
  set: Column[]
  /** values[r]: the where values then the set values of change r. */
  values: unknown[][]
  rows: number
}

/** A dialect's statements for a batch: `together` lets one statement hold several units' updates and inserts. */
export interface DialectCommits {
  commit(groups: Group[], updates: UpdateGroup[], together: boolean): Promise<void>
}

/** `insert into t (a, b, ...)` for a group's table and columns. */
export function insertHead(platform: Platform, group: Group): string {
  const quote = (id: string) => platform.quoteIdentifier(id)
  return `insert into ${quote(group.shape.table)} (${group.layout.columns.map((c) => quote(c.column)).join(', ')})`
}

/** The layout of a row's keys: the last one when the keys are the same, else found or made. */
export function layoutOf(shape: TableShape, row: object): Layout {
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
export function changeLayoutOf(shape: TableShape, change: RowChange, entity: EntityName<any>): ChangeLayout {
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
