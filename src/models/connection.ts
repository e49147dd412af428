import { defineEntity, type InferEntity } from '@mikro-orm/core'
import { Backend } from './backend.js'
import { Contact } from './contact.js'

/** One way to reach a contact: an identity (phone number...) on a backend (docs 8.1.6). */
export const Connection = defineEntity({
  name: 'Connection',
  tableName: 'rapidsms_connection',
  uniques: [{ properties: ['backend', 'identity'] }],
  // Identity lookups on any backend and by prefix (the message log's filter, autocomplete).
  // The migrations hold each database's SQL; expression indexes are compared by name only.
  indexes: [{ name: 'rapidsms_connection_identity_index', expression: (table) => `create index "rapidsms_connection_identity_index" on "${table.name}" ("identity" varchar_pattern_ops)` }],
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    backend: () => p.manyToOne(Backend).deleteRule('cascade').index(),
    identity: p.string().length(100),
    contact: () => p.manyToOne(Contact).nullable().deleteRule('set null').index(),
    createdOn: p.datetime().onCreate(() => new Date()),
    modifiedOn: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
})
export type Connection = InferEntity<typeof Connection>
