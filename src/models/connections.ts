import type { EntityManager } from '@mikro-orm/knex'
import { Backend } from './backend.js'
import { Connection } from './connection.js'
import { Contact as ContactEntity, type Contact } from './contact.js'

/** The Backend row with this name, created if missing (safe under concurrency). */
export async function backendRow(em: EntityManager, name: string): Promise<Backend> {
  const found = await em.findOne(Backend, { name })
  if (found) return found
  await em.createQueryBuilder(Backend).insert({ name }).onConflict('name').ignore().execute()
  return em.findOneOrFail(Backend, { name })
}

/**
 * One Connection per identity on the named backend, with backend and contact loaded,
 * creating the backend and any missing connection (RapidSMS's lookup_connections), created
 * at `now` (the host's clock).
 */
export async function lookupConnectionRows(em: EntityManager, backendName: string, identities: string[], now: Date = new Date()): Promise<Connection[]> {
  const backend = await backendRow(em, backendName)
  const wanted = [...new Set(identities)]
  const find = () => em.find(Connection, { backend, identity: { $in: wanted } }, { populate: ['contact'] })
  let rows = await find()
  if (rows.length < wanted.length) {
    const have = new Set(rows.map((c) => c.identity))
    const missing = wanted.filter((identity) => !have.has(identity))
    await em
      .createQueryBuilder(Connection)
      .insert(missing.map((identity) => ({ backend: backend.id, identity, createdOn: now, modifiedOn: now })))
      .onConflict(['backend', 'identity'])
      .ignore()
      .execute()
    rows = await find()
  }
  const byIdentity = new Map(rows.map((c) => [c.identity, c]))
  return identities.map((identity) => byIdentity.get(identity)!)
}

/** Link a connection to a contact, in the database and on the object itself; modified at `now`. */
export async function linkContact(em: EntityManager, connection: Connection, contact: Contact | null, now: Date = new Date()): Promise<void> {
  await em.nativeUpdate(Connection, { id: connection.id }, { contact: contact?.id ?? null, modifiedOn: now })
  connection.contact = contact
}

/** A contact's default connection: currently its first one, as in RapidSMS. */
export async function defaultConnection(em: EntityManager, contact: Contact): Promise<Connection | null> {
  return em.findOne(Connection, { contact }, { orderBy: { id: 'asc' }, populate: ['backend'] })
}

/**
 * Give the connection's contact this name, creating the contact (and linking it, both stored
 * now) when the connection has none; returns the contact. Renaming a contact is a change of
 * `em`, stored when `em` is flushed (a dialogue's onDone: once it returns). The connection
 * object follows.
 * @example await nameContact(em, connection, 'Ann'); await em.flush()
 */
export async function nameContact(em: EntityManager, connection: Connection, name: string): Promise<Contact> {
  const contact = connection.contact
  if (contact) {
    // The contact as `em` manages it (a reference when it has not loaded it): its changes are em's.
    Object.assign(em.getReference(ContactEntity, contact.id), { name, modifiedOn: new Date() })
    contact.name = name
    return contact
  }
  const created = em.create(ContactEntity, { name, language: '' })
  await em.flush()
  await linkContact(em, connection, created)
  return created
}
