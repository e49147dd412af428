import type { EntityMetadata } from '@mikro-orm/core'
import type { EntityManager } from '@mikro-orm/knex'
import type { AdminOptions, ChoicesContext } from '../../models/index.js'
import { parseDateTime } from '../../backends/kannel/delivery-report.js'
import { Field, type FieldSpec, type FormErrors } from '../pages/form.js'
import { formatDate, Time } from '../pages/format.js'
import { rowLabel, type AdminField, type AdminModel } from './registry.js'

/** A reference is a select when its table is small, else a number input for the id. */
const SELECT_LIMIT = 200

/** Django's messages for the field errors. */
export const FIELD_MESSAGES = {
  required: 'This field is required.',
  integer: 'Enter a whole number.',
  number: 'Enter a number.',
  datetime: 'Enter a valid date/time.',
  choice: 'Select a valid choice. That choice is not one of the available choices.',
  maxLength: (max: number, length: number) => `Ensure this value has at most ${max} characters (it has ${length}).`,
}

/** The choices of a select of rows of `target`: its registration's `choices`, else every row by name (up to SELECT_LIMIT). */
export async function rowChoices(em: EntityManager, target: EntityMetadata, registry: readonly AdminOptions[], context: ChoicesContext): Promise<[string, string][] | undefined> {
  const custom = registry.find((o) => o.entity.meta.className === target.className)?.choices
  if (custom) return custom(em, context)
  if ((await em.count(target.className, {})) > SELECT_LIMIT) return undefined
  const rows = (await em.find(target.className, {}, { orderBy: { [target.primaryKeys[0]!]: 'asc' } })) as Record<string, unknown>[]
  const pk = target.primaryKeys[0]!
  return rows.map((r): [string, string] => [String(r[pk]), rowLabel({ meta: target, verboseName: target.className.toLowerCase() }, r)])
}

/**
 * Options of every reference field whose table is small enough for a select (or whose
 * target's registration offers its own `choices`); `id` is the row being changed.
 */
export async function referenceChoices(em: EntityManager, model: Pick<AdminModel, 'fields' | 'meta'>, registry: readonly AdminOptions[], id?: unknown): Promise<Map<string, [string, string][]>> {
  const choices = new Map<string, [string, string][]>()
  for (const field of model.fields) {
    if (field.kind !== 'reference' || !field.editable || !field.target) continue
    const options = await rowChoices(em, field.target, registry, { entity: model.meta.className, field: field.name, id })
    if (options) choices.set(field.name, [...(field.nullable ? [['', '---------'] as [string, string]] : []), ...options])
  }
  return choices
}

/**
 * Rows of an entity's table as Knex reads them (by column) mapped to entities, with the
 * references among `fields` loaded (a query a reference, not a row): what the list pages draw.
 */
export async function listEntities(em: EntityManager, entity: string, rows: Record<string, unknown>[], fields: readonly AdminField[]): Promise<Record<string, unknown>[]> {
  const entities = rows.map((row) => em.map(entity, row) as Record<string, unknown>)
  const refs = fields.filter((f) => f.kind === 'reference').map((f) => f.name)
  if (refs.length && entities.length) await em.populate(entities as object[], refs as never[])
  return entities
}

/** The form value of a field for a row (or for a re-displayed submission). */
export function formValue(field: AdminField, value: unknown): string | boolean {
  if (value === null || value === undefined) return field.kind === 'boolean' ? false : ''
  if (field.kind === 'boolean') return value === true || value === 'on'
  if (field.kind === 'datetime') return value instanceof Date ? value.toISOString().slice(0, 16) : String(value)
  if (field.kind === 'reference') return typeof value === 'object' ? String((value as Record<string, unknown>)[field.target!.primaryKeys[0]!]) : String(value)
  return String(value)
}

/** A field of the add/change form. */
export function AdminInput({ field, value, error, choices, disabled }: { field: AdminField; value: string | boolean; error?: string; choices?: [string, string][]; disabled?: boolean }) {
  const spec: FieldSpec = { name: field.name, label: field.label, required: field.required, value, attrs: disabled ? { disabled: '' } : undefined }
  if (field.kind === 'text') spec.type = 'textarea'
  else if (field.kind === 'boolean') spec.type = 'checkbox'
  else if (field.kind === 'datetime') {
    spec.type = 'datetime-local'
    spec.help = 'UTC'
  } else if (field.kind === 'integer') spec.type = 'number'
  else if (field.kind === 'number') {
    spec.type = 'number'
    spec.attrs = { ...spec.attrs, step: 'any' }
  }
  else if (field.kind === 'reference') {
    if (choices) {
      spec.type = 'select'
      spec.options = choices
    } else {
      spec.type = 'number'
      spec.help = `The id of the ${field.target!.className.toLowerCase()}.`
    }
  }
  if (field.maxLength) spec.maxLength = field.maxLength
  return <Field field={spec} error={error} />
}

/**
 * Read the submitted form into property values, with Django's message for each field at
 * fault: required, too long, not a number, not a date, a reference to nothing.
 */
export async function readForm(em: EntityManager, model: AdminModel, body: Record<string, unknown>): Promise<{ values: Record<string, unknown>; errors: FormErrors; raw: Record<string, string | boolean> }> {
  const values: Record<string, unknown> = {}
  const errors: FormErrors = {}
  const raw: Record<string, string | boolean> = {}
  for (const field of model.fields) {
    if (!field.editable) continue
    const given = body[field.name]
    const text = typeof given === 'string' ? (field.kind === 'text' ? given : given.trim()) : ''
    raw[field.name] = field.kind === 'boolean' ? given === 'on' : text
    if (field.kind === 'boolean') {
      values[field.name] = given === 'on'
      continue
    }
    if (text === '') {
      if (field.required) errors[field.name] = FIELD_MESSAGES.required
      else if (field.nullable) values[field.name] = null
      else if (field.kind === 'string' || field.kind === 'text') values[field.name] = ''
      continue
    }
    switch (field.kind) {
      case 'string':
      case 'text':
        if (field.maxLength && [...text].length > field.maxLength) errors[field.name] = FIELD_MESSAGES.maxLength(field.maxLength, [...text].length)
        else values[field.name] = text
        break
      case 'integer':
        if (/^[+-]?\d+$/.test(text) && Number.isSafeInteger(Number(text))) values[field.name] = Number(text)
        else errors[field.name] = FIELD_MESSAGES.integer
        break
      case 'number':
        if (Number.isFinite(Number(text))) values[field.name] = Number(text)
        else errors[field.name] = FIELD_MESSAGES.number
        break
      case 'datetime': {
        const date = parseDateTime(text)
        if (date) values[field.name] = date
        else errors[field.name] = FIELD_MESSAGES.datetime
        break
      }
      case 'reference': {
        const id = /^\d+$/.test(text) ? Number(text) : NaN
        const target = field.target!
        if (Number.isSafeInteger(id) && (await em.count(target.className, { [target.primaryKeys[0]!]: id }))) values[field.name] = id
        else errors[field.name] = FIELD_MESSAGES.choice
        break
      }
    }
  }
  return { values, errors, raw }
}

/**
 * Uniqueness, single and composite (`Connection with this Backend and Identity already
 * exists.`), checked before writing so the error lands on the form, not in a 500.
 */
export async function uniqueErrors(em: EntityManager, model: AdminModel, values: Record<string, unknown>, exceptId?: unknown): Promise<FormErrors> {
  const errors: FormErrors = {}
  const pk = model.pk.name
  const Model = model.verboseName.charAt(0).toUpperCase() + model.verboseName.slice(1)
  const taken = async (where: Record<string, unknown>) => (await em.count(model.meta.className, exceptId === undefined ? where : { ...where, [pk]: { $ne: exceptId } })) > 0
  for (const field of model.fields) {
    if (field.unique && values[field.name] !== undefined && values[field.name] !== null && (await taken({ [field.name]: values[field.name] }))) {
      errors[field.name] = `${Model} with this ${field.label} already exists.`
    }
  }
  for (const unique of model.meta.uniques) {
    const props = [unique.properties ?? []].flat() as string[]
    if (props.length < 2 || props.some((p) => values[p] === undefined || values[p] === null)) continue
    if (await taken(Object.fromEntries(props.map((p) => [p, values[p]])))) {
      const labels = props.map((p) => model.fields.find((f) => f.name === p)?.label ?? p)
      errors.__all__ = `${Model} with this ${labels.slice(0, -1).join(', ')} and ${labels.at(-1)} already exists.`
    }
  }
  return errors
}

/** A cell of the list page. */
export function AdminCell({ field, row }: { field: AdminField; row: Record<string, unknown> }) {
  const value = row[field.name]
  if (value === null || value === undefined) return <span class="text-body-secondary">-</span>
  if (field.kind === 'datetime') return <Time date={value as Date} />
  if (field.kind === 'boolean') return <>{value ? 'Yes' : 'No'}</>
  if (field.kind === 'reference') {
    const target = field.target!
    const ref = value as Record<string, unknown>
    return <>{rowLabel({ meta: target, verboseName: target.className.toLowerCase() }, ref)}</>
  }
  return <>{value instanceof Date ? formatDate(value) : String(value)}</>
}
