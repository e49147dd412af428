import type { Knex } from '@mikro-orm/knex'
import type { Dialect } from '../../models/index.js'
import { dateOf, decodeCursor, keysetPage, type KeysetPage, type PageRequest, type SortColumn } from '../../web/pages/keyset.js'
import { likePattern } from '../../web/pages/search.js'
import type { Direction } from './models.js'

/** What the message log can be filtered by (the page's form, the CSV export's URL). */
export interface LogFilter {
  direction?: Direction
  /** Contacts whose name contains this (any case). */
  contact?: string
  contactId?: number
  /** Connections with exactly this identity, on any backend. */
  identity?: string
  /** Texts containing this (any case). */
  text?: string
  /** From this time on, and before `until`. */
  since?: Date
  until?: Date
}

/** A row of the log with its contact and connection, as the page and the export show it. */
export interface LogLine {
  id: number
  date: Date
  direction: Direction
  text: string
  contactId: number | null
  contactName: string | null
  identity: string | null
  backend: string | null
}

export const LOG_ORDER: readonly SortColumn[] = [
  { sql: 'm.date', field: 'date', date: true },
  { sql: 'm.id', field: 'id' },
]

/** At most this many contacts or connections a name or identity filter looks among. */
const MATCH_LIMIT = 1000

/**
 * The filtered log as a query, newest first by (date, id). Contact and identity filters are
 * looked up first and become lists of ids, so the log is read through its
 * (contact, date, id) or (connection, date, id) index: a filter costs as much on page one
 * as deep in a million rows.
 */
// Wrapped in an object: a knex builder is a thenable, and awaiting it would run it.
async function filtered(knex: Knex, dialect: Dialect, filter: LogFilter): Promise<{ query: Knex.QueryBuilder } | undefined> {
  const date = (d: Date) => (dialect === 'sqlite' ? d.getTime() : d)
  const query = knex({ m: 'messagelog_message' })
    .leftJoin({ c: 'rapidsms_contact' }, 'c.id', 'm.contact_id')
    .leftJoin({ cn: 'rapidsms_connection' }, 'cn.id', 'm.connection_id')
    .leftJoin({ b: 'rapidsms_backend' }, 'b.id', 'cn.backend_id')
    .select('m.id', 'm.date', 'm.direction', 'm.text', { contactId: 'm.contact_id', contactName: 'c.name', identity: 'cn.identity', backend: 'b.name' })
  if (filter.identity) {
    const ids = (await knex('rapidsms_connection').where('identity', filter.identity).limit(MATCH_LIMIT).pluck('id')) as number[]
    if (!ids.length) return undefined
    query.whereIn('m.connection_id', ids)
  }
  if (filter.contactId !== undefined) query.where('m.contact_id', filter.contactId)
  if (filter.contact) {
    const ids = (await knex('rapidsms_contact').whereRaw(`lower(name) like ? escape '\\'`, [likePattern(filter.contact, 'contains')]).limit(MATCH_LIMIT).pluck('id')) as number[]
    if (!ids.length) return undefined
    query.whereIn('m.contact_id', ids)
  }
  if (filter.direction) query.where('m.direction', filter.direction)
  if (filter.text) query.whereRaw(`lower(m.text) like ? escape '\\'`, [likePattern(filter.text, 'contains')])
  if (filter.since) query.where('m.date', '>=', date(filter.since) as never)
  if (filter.until) query.where('m.date', '<', date(filter.until) as never)
  return { query }
}

function line(row: Record<string, unknown>): LogLine {
  return {
    id: Number(row.id),
    date: dateOf(row.date),
    direction: row.direction as Direction,
    text: String(row.text),
    contactId: row.contactId === null ? null : Number(row.contactId),
    contactName: (row.contactName as string | null) ?? null,
    identity: (row.identity as string | null) ?? null,
    backend: (row.backend as string | null) ?? null,
  }
}

/**
 * One page of the message log (RapidSMS's message_log view), by keyset, never OFFSET, and
 * with no count of the table.
 * @example const page = await logPage(em.getKnex(), 'postgresql', { identity: '+254700000001' }, {}, 50)
 */
export async function logPage(knex: Knex, dialect: Dialect, filter: LogFilter, page: PageRequest, size: number, direction: 'asc' | 'desc' = 'desc'): Promise<KeysetPage<LogLine>> {
  const built = await filtered(knex, dialect, filter)
  if (!built) return { rows: [] }
  const found = await keysetPage<Record<string, unknown>>(built.query, LOG_ORDER, direction, page, size, dialect)
  return { ...found, rows: found.rows.map(line) }
}

/** Every row of the filtered log, newest first, read a batch at a time (for the CSV export). */
export async function* logLines(knex: Knex, dialect: Dialect, filter: LogFilter, batch = 1000): AsyncGenerator<LogLine> {
  let page: PageRequest = {}
  for (;;) {
    const filteredQuery = await filtered(knex, dialect, filter)
    if (!filteredQuery) return
    const found = await keysetPage<Record<string, unknown>>(filteredQuery.query, LOG_ORDER, 'desc', page, batch, dialect)
    for (const row of found.rows) yield line(row)
    if (!found.next) return
    page = { after: decodeCursor(found.next, LOG_ORDER.length) }
  }
}
