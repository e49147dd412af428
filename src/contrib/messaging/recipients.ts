import type { Knex } from '@mikro-orm/knex'
import type { Dialect } from '../../models/index.js'
import { likePattern } from '../../web/pages/search.js'

/** A contact the autocomplete offers: its id, and a label with its default connection. */
export interface Recipient {
  id: number
  name: string
  identity: string | null
  backend: string | null
  label: string
}

/**
 * Up to `limit` contacts whose name starts with `q` (any case) or who have a connection
 * whose identity starts with it, each with its default connection (its first). Both
 * lookups go through an index (lower(name) and identity, with PostgreSQL's pattern
 * operators), so it stays fast at a hundred thousand contacts.
 * @example await searchRecipients(em.getKnex(), 'postgresql', 'ann')  // [{ id: 7, name: 'Ann', identity: '111', backend: 'message_tester', label: 'Ann (message_tester: 111)' }]
 */
export async function searchRecipients(knex: Knex, dialect: Dialect, q: string, limit = 10): Promise<Recipient[]> {
  const query = q.trim()
  if (!query) return []
  const order = dialect === 'postgresql' ? 'lower(name) collate "C"' : 'lower(name)'
  const byName = (await knex('rapidsms_contact').whereRaw(`lower(name) like ? escape '\\'`, [likePattern(query, 'prefix')]).orderByRaw(`${order}, id`).limit(limit).select('id')) as { id: number }[]
  const byIdentity = (await knex('rapidsms_connection')
    .whereRaw(`identity like ? escape '\\'`, [likePattern(query, 'prefix', false)])
    .whereNotNull('contact_id')
    .orderBy('identity')
    .limit(limit)
    .select({ id: 'contact_id' })) as { id: number }[]
  const ids = [...new Set([...byName, ...byIdentity].map((r) => Number(r.id)))].slice(0, limit)
  if (!ids.length) return []
  const contacts = (await knex('rapidsms_contact').whereIn('id', ids).select('id', 'name')) as { id: number; name: string }[]
  const connections = (await knex({ cn: 'rapidsms_connection' })
    .join({ b: 'rapidsms_backend' }, 'b.id', 'cn.backend_id')
    .whereIn('cn.contact_id', ids)
    .orderBy('cn.id')
    .select('cn.contact_id', 'cn.identity', { backend: 'b.name' })) as { contact_id: number; identity: string; backend: string }[]
  return ids.map((id) => {
    const contact = contacts.find((c) => Number(c.id) === id)!
    const first = connections.find((c) => Number(c.contact_id) === id)
    const name = contact.name || `Contact ${id}`
    return { id, name, identity: first?.identity ?? null, backend: first?.backend ?? null, label: first ? `${name} (${first.backend}: ${first.identity})` : `${name} (no connection)` }
  })
}
