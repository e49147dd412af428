import { defineEntity, type InferEntity, type p } from '@mikro-orm/core'

/** A contact's name is stored in a 100-character column. */
export const CONTACT_NAME_MAX = 100

/** Contact's table and indexes, shared by Contact and the Contact with extra fields (extensible models). */
const definition = {
  name: 'Contact',
  tableName: 'rapidsms_contact',
  // Name search by prefix, whatever the case, in byte order (the Messaging page's autocomplete). The
  // migrations hold each database's SQL; expression indexes are compared by name only.
  indexes: [{ name: 'rapidsms_contact_name_lower_index', expression: (table: { name: string }) => `create index "rapidsms_contact_name_lower_index" on "${table.name}" ((lower("name") collate "C"))` }],
}

const properties = (b: typeof p) => ({
  id: b.integer().primary().autoincrement(),
  name: b.string().length(CONTACT_NAME_MAX).default(''),
  /** The preferred language code (e.g. `fr`); empty for the project's default. */
  language: b.string().length(6).default(''),
  createdOn: b.datetime().onCreate(() => new Date()),
  modifiedOn: b.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
})

/** A person or organisation the project talks to (docs 8.1.5). */
export const Contact = defineEntity({ ...definition, properties })

/** Contact with the extra fields apps declare (docs 12): the same name, table and indexes. */
export function contactWith(fields: Record<string, unknown>): typeof Contact {
  return defineEntity({ ...definition, properties: (b: typeof p) => ({ ...properties(b), ...fields }) as ReturnType<typeof properties> })
}
export type Contact = InferEntity<typeof Contact>

/** A contact with no name is anonymous. */
export function isAnonymous(contact: Pick<Contact, 'name'>): boolean {
  return !contact.name
}
