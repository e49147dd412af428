import { defineEntity, type InferEntity, type p } from '@mikro-orm/core'
import { Backend } from './backend.js'
import { Contact } from './contact.js'

/** Connection's table, key and indexes, shared by Connection and the Connection with extra fields. */
const definition = {
  name: 'Connection',
  tableName: 'rapidsms_connection',
  uniques: [{ properties: ['backend' as const, 'identity' as const] }],
  // Identity lookups on any backend and by prefix (the message log's filter, autocomplete).
  // The migrations hold each database's SQL; expression indexes are compared by name only.
  indexes: [{ name: 'rapidsms_connection_identity_index', expression: (table: { name: string }) => `create index "rapidsms_connection_identity_index" on "${table.name}" (("identity" collate "C"))` }],
}

const properties = (b: typeof p) => ({
  id: b.integer().primary().autoincrement(),
  backend: () => b.manyToOne(Backend).deleteRule('cascade').index(),
  identity: b.string().length(100),
  contact: () => b.manyToOne(Contact).nullable().deleteRule('set null').index(),
  createdOn: b.datetime().onCreate(() => new Date()),
  modifiedOn: b.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
})

/** One way to reach a contact: an identity (phone number...) on a backend (docs 8.1.6). */
export const Connection = defineEntity({ ...definition, properties })

/** Connection with the extra fields apps declare (docs 12): the same name, table and indexes. */
export function connectionWith(fields: Record<string, unknown>): typeof Connection {
  return defineEntity({ ...definition, properties: (b: typeof p) => ({ ...properties(b), ...fields }) as ReturnType<typeof properties> })
}
export type Connection = InferEntity<typeof Connection>
