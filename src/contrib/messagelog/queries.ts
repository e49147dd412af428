import type { Knex } from '@mikro-orm/knex'
import { dateFromRow, type Dialect } from '../../models/index.js'
import { decodeCursor, keysetPage, type KeysetPage, type PageRequest, type SortColumn } from '../../web/pages/keyset.js'
import { byteOrder, likePattern } from '../../web/pages/search.js'
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
 * The filtered log as a query of its own table, newest first by (date, id). Contact and identity filters are
 * looked up first and become lists of ids, so the log is read through its connection_id or
 * (partial) contact_id index and only the matching rows are sorted: a filter costs what its
 * own rows cost (a phone's messages, not the log's), on page one as deep in a million rows.
 * Indexes on (connection, date, id) and (contact, date, id) would spare that sort but make
 * every logged message's insert about a third dearer (see models.ts).
 */
// Wrapped in an object: a knex builder is a thenable, and awaiting it would run it.
async function filtered(knex: Knex, dialect: Dialect, filter: LogFilter): Promise<{ query: Knex.QueryBuilder } | undefined> {
  const date = (d: Date) => (dialect === 'sqlite' ? d.getTime() : d)
  const query = knex({ m: 'messagelog_message' }).select('m.id', 'm.date', 'm.direction', 'm.text', 'm.contact_id', 'm.connection_id')
  if (filter.identity) {
    const ids = (await knex('rapidsms_connection').whereRaw(`${byteOrder(dialect, 'identity')} = ?`, [filter.identity]).limit(MATCH_LIMIT).pluck('id')) as number[]
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

/**
 * The log rows with their contacts' names and their connections: two lookups by primary key
 * for a page's few ids, side by side, instead of joins (which cost a random read per row).
 */
async function lines(knex: Knex, rows: Record<string, unknown>[]): Promise<LogLine[]> {
  const ids = (field: string) => [...new Set(rows.map((r) => r[field]).filter((v) => v !== null && v !== undefined).map(Number))]
  const contactIds = ids('contact_id')
  const connectionIds = ids('connection_id')
  const [contacts, connections] = await Promise.all([
    contactIds.length ? (knex('rapidsms_contact').whereIn('id', contactIds).select('id', 'name') as Promise<{ id: number; name: string }[]>) : [],
    connectionIds.length
      ? (knex({ cn: 'rapidsms_connection' }).join({ b: 'rapidsms_backend' }, 'b.id', 'cn.backend_id').whereIn('cn.id', connectionIds).select('cn.id', 'cn.identity', { backend: 'b.name' }) as Promise<{ id: number; identity: string; backend: string }[]>)
      : [],
  ])
  const names = new Map(contacts.map((c) => [Number(c.id), c.name]))
  const links = new Map(connections.map((c) => [Number(c.id), c]))
  return rows.map((row) => {
    const contactId = row.contact_id === null ? null : Number(row.contact_id)
    const connection = row.connection_id === null ? undefined : links.get(Number(row.connection_id))
    return {
      id: Number(row.id),
      date: dateFromRow(row.date)!,
      direction: row.direction as Direction,
      text: String(row.text),
      contactId,
      contactName: contactId === null ? null : (names.get(contactId) ?? null),
      identity: connection?.identity ?? null,
      backend: connection?.backend ?? null,
    }
  })
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
  return { ...found, rows: await lines(knex, found.rows) }
}

/** Every row of the filtered log, newest first, read a batch at a time (for the CSV export). */
export async function* logLines(knex: Knex, dialect: Dialect, filter: LogFilter, batch = 1000): AsyncGenerator<LogLine> {
  let page: PageRequest = {}
  for (;;) {
    const filteredQuery = await filtered(knex, dialect, filter)
    if (!filteredQuery) return
    const found = await keysetPage<Record<string, unknown>>(filteredQuery.query, LOG_ORDER, 'desc', page, batch, dialect)
    for (const row of await lines(knex, found.rows)) yield row
    if (!found.next) return
    page = { after: decodeCursor(found.next, LOG_ORDER.length) }
  }
}
