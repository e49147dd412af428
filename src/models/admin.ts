import type { EntitySchema } from '@mikro-orm/core'
import type { EntityManager } from '@mikro-orm/knex'

/** Where a select of rows is drawn: which field of which entity, and the row being edited. */
export interface ChoicesContext {
  /** The entity whose form or list has the field (`Location` for a location's parent). */
  entity: string
  field: string
  /** The primary key of the row being edited; none on an add page or a list's filter. */
  id?: unknown
}

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
  /** Properties the list page can be filtered by (Django's list_filter): references and booleans. */
  filters?: string[]
  /**
   * More checks of a submitted form once each field is valid (Django's Model.clean): errors by
   * field (`__all__` for the form). `id` is the row's on a change page.
   */
  clean?: (values: Record<string, unknown>, context: { em: EntityManager; id?: unknown }) => Record<string, string> | Promise<Record<string, string>>
  /**
   * How this entity's rows are offered in a select of a reference to it (Django's
   * formfield_for_foreignkey): `[value, label]` pairs, or undefined for an id input (too many
   * rows). Default: every row by its name, up to 200.
   */
  choices?: (em: EntityManager, context: ChoicesContext) => Promise<[string, string][] | undefined>
}

/** An entity to register in the admin: the entity itself, or it with options. */
export type AdminEntry = EntitySchema<any, any> | AdminOptions

/** The options of an entry, defaults filled in for a bare entity. */
export function adminOptions(entry: AdminEntry): AdminOptions {
  return 'entity' in entry && typeof (entry as AdminOptions).entity === 'object' && !('meta' in entry) ? (entry as AdminOptions) : { entity: entry as EntitySchema<any, any> }
}
