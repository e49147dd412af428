import type { EntityManager } from '@mikro-orm/knex'
import { parse } from 'csv-parse/sync'
import { BACKEND_NAME_MAX, IDENTITY_MAX } from '../../core/config.js'
import { Backend, backendRow, Connection, Contact } from '../../models/index.js'

/** The format the Bulk Add page asks for (RapidSMS's: one contact a line). */
export const BULK_FORMAT = 'name, backend, identity'
const NAME_MAX = 100

/** A contact a file would add. */
export interface BulkRow {
  line: number
  name: string
  backend: string
  identity: string
}

/** Why a line of the file cannot be added. */
export interface BulkError {
  line: number
  text: string
  reason: string
}

/**
 * Read a CSV of contacts, `name, backend, identity` a line (spaces after commas ignored,
 * quotes allowed for names with commas, a header line `name,backend,identity` skipped), and
 * check every line: three columns, a name and an identity within their lengths, a backend
 * the project has, and a connection no contact (nor an earlier line) has yet. Nothing is
 * stored: the page shows the errors line by line and adds the good rows once asked.
 * @example const { rows, errors } = await readBulkFile(em, 'Ann, message_tester, 1112223333\n', ['message_tester'])
 */
export async function readBulkFile(em: EntityManager, text: string, backends: string[]): Promise<{ rows: BulkRow[]; errors: BulkError[] }> {
  const errors: BulkError[] = []
  const lines = text.split(/\r\n|\n|\r/)
  const parsed = parse(text, {
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    info: true,
    raw: true,
    on_skip: (error: Error & { lines?: number }) => {
      const line = error?.lines ?? 0
      errors.push({ line, text: lines[line - 1] ?? '', reason: `Could not read this line as CSV: ${error?.message ?? 'malformed'}.` })
      return undefined
    },
  } as never) as unknown as { record: string[]; raw: string; info: { lines: number } }[]
  const records = parsed.map((r) => ({ line: r.info.lines, fields: r.record, raw: r.raw.trim() }))
  return checkRows(
    em,
    records.filter((r, i) => !(i === 0 && r.fields.map((f) => f.toLowerCase()).join(',') === 'name,backend,identity')),
    backends,
    errors,
  )
}

/** Check rows (from a file, or the good rows a page sends back to be added). */
export async function checkRows(em: EntityManager, records: { line: number; fields: string[]; raw?: string }[], backends: string[], errors: BulkError[] = []): Promise<{ rows: BulkRow[]; errors: BulkError[] }> {
  const known = new Set([...backends, ...(await em.find(Backend, {})).map((b) => b.name)])
  const rows: BulkRow[] = []
  const seen = new Map<string, number>()
  const candidates: BulkRow[] = []
  for (const { line, fields, raw } of records) {
    const text = raw ?? fields.join(', ')
    const fail = (reason: string) => errors.push({ line, text, reason })
    if (fields.length !== 3) {
      fail(`Expected 3 columns (${BULK_FORMAT}), found ${fields.length}.`)
      continue
    }
    const [name, backend, identity] = fields as [string, string, string]
    if (!name) fail('The name is empty.')
    else if ([...name].length > NAME_MAX) fail(`The name has more than ${NAME_MAX} characters.`)
    else if (!backend) fail('The backend is empty.')
    else if (backend.length > BACKEND_NAME_MAX || !known.has(backend)) fail(`There is no backend named "${backend}".`)
    else if (!identity) fail('The identity is empty.')
    else if (identity.length > IDENTITY_MAX) fail(`The identity has more than ${IDENTITY_MAX} characters.`)
    else if (seen.has(`${backend}\n${identity}`)) fail(`${backend}: ${identity} is already on line ${seen.get(`${backend}\n${identity}`)}.`)
    else {
      seen.set(`${backend}\n${identity}`, line)
      candidates.push({ line, name, backend, identity })
    }
  }
  // Connections that exist already, looked up per backend in one query each.
  const byBackend = new Map<string, BulkRow[]>()
  for (const row of candidates) byBackend.set(row.backend, [...(byBackend.get(row.backend) ?? []), row])
  const taken = new Map<string, string>()
  for (const [backend, list] of byBackend) {
    for (let i = 0; i < list.length; i += 500) {
      const found = await em.find(Connection, { backend: { name: backend }, identity: { $in: list.slice(i, i + 500).map((r) => r.identity) } }, { populate: ['contact'] })
      for (const c of found) taken.set(`${backend}\n${c.identity}`, c.contact?.name ?? '')
    }
  }
  for (const row of candidates) {
    const owner = taken.get(`${row.backend}\n${row.identity}`)
    if (owner === undefined) rows.push(row)
    else errors.push({ line: row.line, text: `${row.name}, ${row.backend}, ${row.identity}`, reason: `${row.backend}: ${row.identity} is already a connection${owner ? ` (of ${owner})` : ''}.` })
  }
  errors.sort((a, b) => a.line - b.line)
  return { rows, errors }
}

/** Add the rows: a contact and its connection each, all in one transaction. */
export async function addBulkRows(em: EntityManager, rows: BulkRow[], now: Date): Promise<number> {
  await em.transactional(async (tx) => {
    const backends = new Map<string, Backend>()
    for (const name of new Set(rows.map((r) => r.backend))) backends.set(name, await backendRow(tx, name))
    for (const row of rows) {
      const contact = tx.create(Contact, { name: row.name, language: '', createdOn: now, modifiedOn: now })
      tx.create(Connection, { backend: backends.get(row.backend)!, identity: row.identity, contact, createdOn: now, modifiedOn: now })
    }
  })
  return rows.length
}
