import { defineEntity, type InferEntity } from '@mikro-orm/core'

/** A contact's name is stored in a 100-character column. */
export const CONTACT_NAME_MAX = 100

/** A person or organisation the project talks to (docs 8.1.5). */
export const Contact = defineEntity({
  name: 'Contact',
  tableName: 'rapidsms_contact',
  // Name search by prefix, whatever the case (the Messaging page's autocomplete). The
  // migrations hold each database's SQL; expression indexes are compared by name only.
  indexes: [{ name: 'rapidsms_contact_name_lower_index', expression: (table) => `create index "rapidsms_contact_name_lower_index" on "${table.name}" (lower("name") text_pattern_ops)` }],
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    name: p.string().length(CONTACT_NAME_MAX).default(''),
    /** The preferred language code (e.g. `fr`); empty for the project's default. */
    language: p.string().length(6).default(''),
    createdOn: p.datetime().onCreate(() => new Date()),
    modifiedOn: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
})
export type Contact = InferEntity<typeof Contact>

/** A contact with no name is anonymous. */
export function isAnonymous(contact: Pick<Contact, 'name'>): boolean {
  return !contact.name
}
