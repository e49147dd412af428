import type { EntitySchema, InferEntityFromProperties } from '@mikro-orm/core'
import { ConfigError } from '../core/errors.js'
import { Connection, connectionWith } from './connection.js'
import { Contact, contactWith } from './contact.js'

/** What declares extra fields: an app class (`static contactFields`, `static connectionFields`). */
export interface FieldsOwner {
  readonly name: string
  readonly appName?: string
  readonly contactFields?: Record<string, object>
  readonly connectionFields?: Record<string, object>
}

/**
 * The TypeScript type of the fields an app declares, to use beside Contact's:
 * @example
 * class Surveys extends AppBase { static override contactFields = { isUsed: p.boolean().default(true) } }
 * type SurveyContact = Contact & InferFields<typeof Surveys.contactFields>   // { ..., isUsed: boolean }
 */
export type InferFields<Fields extends Record<string, any>> = InferEntityFromProperties<Fields>

const MODELS = [
  { base: Contact, key: 'contactFields', extend: contactWith },
  { base: Connection, key: 'connectionFields', extend: connectionWith },
] as const

/** One extended entity per set of field declarations, so every host of a project shares it. */
const built = new Map<string, EntitySchema<any, any>>()
const ids = new WeakMap<object, number>()
let lastId = 0
const idOf = (fields: object) => {
  if (!ids.has(fields)) ids.set(fields, ++lastId)
  return ids.get(fields)!
}

/**
 * `entities` with Contact and Connection replaced by versions carrying the fields the
 * owners declare (RapidSMS's extensible models, docs 12): same name and table, so
 * `em.find(Contact, ...)` returns contacts with the extra fields and `rapidsms
 * makemigrations` writes the columns they need. Two owners adding a field of the same name,
 * or a field the model already has, is an error naming them (syncdb's "duplicate column
 * name", caught before the database sees it).
 */
export function withExtraFields(entities: EntitySchema<any, any>[], owners: readonly FieldsOwner[]): EntitySchema<any, any>[] {
  let result = entities
  for (const { base, key, extend } of MODELS) {
    const declaring = owners.filter((o) => o[key] && Object.keys(o[key]!).length)
    if (!declaring.length || !entities.includes(base)) continue
    const fields: Record<string, object> = {}
    const from = new Map<string, string>()
    for (const owner of declaring) {
      const ownerName = owner.appName ?? owner.name
      for (const [name, field] of Object.entries(owner[key]!)) {
        if (name in base.meta.properties) throw new ConfigError('apps', `${ownerName} adds the field "${name}" to ${base.meta.className}, which already has it`)
        if (from.has(name)) throw new ConfigError('apps', `${from.get(name)} and ${ownerName} both add the field "${name}" to ${base.meta.className}: rename one of them`)
        from.set(name, ownerName)
        fields[name] = field
      }
    }
    const cacheKey = `${base.meta.className}:${declaring.map((o) => idOf(o[key]!)).join(',')}`
    let schema = built.get(cacheKey)
    if (!schema) built.set(cacheKey, (schema = extend(fields) as EntitySchema<any, any>))
    result = result.map((entity) => (entity === base ? schema : entity))
  }
  return result
}

/** The names of the fields apps added to a model (`Contact` or `Connection`), in declaration order. */
export function extraFieldNames(owners: readonly FieldsOwner[], model: 'Contact' | 'Connection'): string[] {
  const key = model === 'Contact' ? 'contactFields' : 'connectionFields'
  return owners.flatMap((o) => Object.keys(o[key] ?? {}))
}
