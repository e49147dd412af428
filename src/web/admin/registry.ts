import type { EntityMetadata, EntityProperty, EntitySchema } from '@mikro-orm/core'
import type { AdminOptions } from '../../models/index.js'
import type { Site } from '../pages/context.js'

/** How a property is edited and shown. */
export type FieldKind = 'string' | 'text' | 'integer' | 'number' | 'boolean' | 'datetime' | 'reference'

/** A property of an entity as the admin sees it. */
export interface AdminField {
  name: string
  label: string
  column: string
  kind: FieldKind
  /** Not nullable, no default: a value must be given. */
  required: boolean
  nullable: boolean
  maxLength?: number
  /** Set by a form (the primary key and onCreate/onUpdate fields are not). */
  editable: boolean
  unique: boolean
  /** The entity a reference points to. */
  target?: EntityMetadata
}

/** One registered entity: its metadata, URLs and names (Django's ModelAdmin and model _meta). */
export interface AdminModel {
  options: AdminOptions
  meta: EntityMetadata
  /** `voting` of voting_choice: the group on the admin index. */
  appLabel: string
  /** `choice` of voting_choice: the URL segment. */
  modelName: string
  path: string
  verboseName: string
  verboseNamePlural: string
  fields: AdminField[]
  /** The list page's columns. */
  list: AdminField[]
  search: AdminField[]
  pk: AdminField
}

/** `dateSent` -> `date sent`, `DeliveryReport` -> `delivery report`. */
export function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replaceAll('_', ' ').toLowerCase()
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function kindOf(prop: EntityProperty): FieldKind | undefined {
  if (prop.kind === 'm:1' || prop.kind === '1:1') return 'reference'
  if (prop.kind !== 'scalar') return undefined
  const type = String(prop.type).toLowerCase()
  if (type === 'text') return 'text'
  if (type === 'string' || type === 'uuid' || type === 'character') return 'string'
  if (['integer', 'smallint', 'tinyint', 'mediumint', 'bigint', 'int'].includes(type)) return 'integer'
  if (['float', 'double', 'decimal', 'number'].includes(type)) return 'number'
  if (type === 'boolean') return 'boolean'
  if (type === 'date' || type === 'datetime' || type === 'datetype') return 'datetime'
  return prop.runtimeType === 'string' ? 'string' : prop.runtimeType === 'number' ? 'number' : undefined
}

function fieldOf(prop: EntityProperty): AdminField | undefined {
  const kind = kindOf(prop)
  if (!kind) return undefined
  const generated = Boolean(prop.primary && prop.autoincrement !== false && kind === 'integer') || Boolean(prop.onCreate) || Boolean(prop.onUpdate)
  return {
    name: prop.name,
    label: capitalize(words(prop.name)),
    column: prop.fieldNames[0]!,
    kind,
    nullable: Boolean(prop.nullable),
    required: !prop.nullable && prop.default === undefined && kind !== 'boolean' && !generated,
    maxLength: kind === 'string' ? prop.length : undefined,
    editable: !generated,
    unique: Boolean(prop.unique),
    target: kind === 'reference' ? prop.targetMeta : undefined,
  }
}

/** `/admin/<app label>/<model>/` from the entity's table name, as Django names its admin URLs. */
export function adminPath(entity: EntitySchema<any, any>): string {
  const { appLabel, modelName } = names(entity.meta.tableName ?? entity.meta.className.toLowerCase())
  return `/admin/${appLabel}/${modelName}/`
}

function names(table: string): { appLabel: string; modelName: string } {
  const cut = table.indexOf('_')
  return cut > 0 ? { appLabel: table.slice(0, cut), modelName: table.slice(cut + 1).replaceAll('_', '') } : { appLabel: 'app', modelName: table }
}

/** The admin's view of every registered entity (built once the ORM knows them). */
export function adminModels(site: Site): AdminModel[] {
  const metadata = site.router.db.orm.getMetadata()
  const models: AdminModel[] = []
  for (const options of site.admin) {
    if (!metadata.has(options.entity.meta.className)) continue // not in this project's schema
    const meta = metadata.get(options.entity.meta.className)
    const fields = meta.props.map(fieldOf).filter((f): f is AdminField => f !== undefined)
    const pick = (wanted: string[] | undefined, fallback: AdminField[]) => (wanted ? wanted.map((n) => fields.find((f) => f.name === n)).filter((f): f is AdminField => f !== undefined) : fallback)
    const pk = fields.find((f) => f.name === meta.primaryKeys[0])
    if (!pk) continue
    const verboseName = words(meta.className)
    models.push({
      options,
      meta,
      ...names(meta.tableName),
      path: adminPath(options.entity),
      verboseName,
      verboseNamePlural: `${verboseName}s`,
      fields,
      // Django shows the row's name alone; we show its fields, the generated id aside.
      list: pick(options.list, fields.filter((f) => f.kind !== 'text' && !(f.name === pk.name && !f.editable)).slice(0, 6)),
      search: pick(options.search, fields.filter((f) => f.kind === 'string' || f.kind === 'text')),
      pk,
    })
  }
  return models
}

/** What a row is called on the pages (Django's __str__): its name, identity... or `<model> object (id)`. */
export function rowLabel(model: Pick<AdminModel, 'meta' | 'verboseName'>, row: Record<string, unknown>): string {
  for (const name of ['name', 'username', 'identity', 'title', 'text']) {
    const value = row[name]
    if (typeof value === 'string' && value) return value
  }
  return `${capitalize(model.verboseName)} object (${String(row[model.meta.primaryKeys[0]!])})`
}
