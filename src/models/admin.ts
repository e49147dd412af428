import type { EntitySchema } from '@mikro-orm/core'

/** How the admin shows an entity (Django's ModelAdmin, the few options that matter here). */
export interface AdminOptions {
  entity: EntitySchema<any, any>
  /** Columns of the list page, by property name (default: every scalar and reference). */
  list?: string[]
  /** Properties the list page's search box looks in (default: its string properties). */
  search?: string[]
  /** Rows can be looked at, not added, changed or deleted (e.g. delivery reports). */
  readOnly?: boolean
  /** Also link the list page from the top navigation, with this label. */
  nav?: string
}

/** An entity to register in the admin: the entity itself, or it with options. */
export type AdminEntry = EntitySchema<any, any> | AdminOptions

/** The options of an entry, defaults filled in for a bare entity. */
export function adminOptions(entry: AdminEntry): AdminOptions {
  return 'entity' in entry && typeof (entry as AdminOptions).entity === 'object' && !('meta' in entry) ? (entry as AdminOptions) : { entity: entry as EntitySchema<any, any> }
}
