import type { Knex } from '@mikro-orm/knex'
import type { Dialect } from '../../models/index.js'
import { byteOrder, likePattern } from './search.js'

/** A contact the pages' autocomplete offers: its id, and a label with its default connection. */
export interface Recipient {
  id: number
  name: string
  identity: string | null
  backend: string | null
  label: string
}

/**
 * Up to `limit` contacts whose name starts with `q` (any case) or who have a connection
 * whose identity starts with it, each with its default connection (its first): name
 * matches first, in byte order, then identity matches. One query, whose two lookups go
 * through an index each (lower(name) and identity, compared byte by byte), so it stays fast
 * at a hundred thousand contacts.
 * @example await searchContacts(em.getKnex(), 'postgresql', 'ann')  // [{ id: 7, name: 'Ann', identity: '111', backend: 'message_tester', label: 'Ann (message_tester: 111)' }]
 */
export async function searchContacts(knex: Knex, dialect: Dialect, q: string, limit = 10): Promise<Recipient[]> {
  const query = q.trim()
  if (!query) return []
  // The same expressions as the indexes (see Contact and Connection): range scans that stop at `limit`.
  const name = byteOrder(dialect, 'lower(name)')
  const identity = byteOrder(dialect, 'identity')
  const first = (column: string) => `(select ${column} from rapidsms_connection cn join rapidsms_backend b on b.id = cn.backend_id where cn.contact_id = c.id order by cn.id limit 1)`
  const result = await knex.raw(
    `select c.id, c.name, ${first('cn.identity')} as identity, ${first('b.name')} as backend
     from rapidsms_contact c
     where c.id in (
       select id from (select id from rapidsms_contact where ${name} like ? escape '\\' order by ${name}, id limit ?) by_name
       union
       select id from (select contact_id as id from rapidsms_connection where ${identity} like ? escape '\\' and contact_id is not null order by ${identity} limit ?) by_identity
     )`,
    [likePattern(query, 'prefix'), limit, likePattern(query, 'prefix', false), limit],
  )
  const rows = ((dialect === 'postgresql' ? result.rows : result) as { id: number; name: string; identity: string | null; backend: string | null }[]).map((r) => ({ ...r, id: Number(r.id) }))
  const wanted = query.toLowerCase()
  const byName = (r: { name: string }) => r.name.toLowerCase().startsWith(wanted)
  const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))
  rows.sort((a, b) => Number(byName(b)) - Number(byName(a)) || (byName(a) ? bytes(a.name.toLowerCase(), b.name.toLowerCase()) || a.id - b.id : bytes(a.identity ?? '', b.identity ?? '')))
  return rows.slice(0, limit).map(({ id, name: contactName, identity: phone, backend }) => {
    const shown = contactName || `Contact ${id}`
    return { id, name: shown, identity: phone, backend, label: phone !== null ? `${shown} (${backend}: ${phone})` : `${shown} (no connection)` }
  })
}
