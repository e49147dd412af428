import type { EntityManager, Knex } from '@mikro-orm/knex'
import type { AdminOptions } from '../../models/index.js'
import { rowChoices } from './fields.js'
import type { AdminField, AdminModel } from './registry.js'

/** A filter of the list page (Django's list_filter): a reference or a boolean, with its options. */
export interface ListFilter {
  field: AdminField
  /** `[value, label]` pairs; undefined for a reference to a table too large for a select (an id input). */
  options?: [string, string][]
  value: string
}

/** The filters of a model's list with their options and the values the query asks for; an error for a value that is not one. */
export async function listFilters(em: EntityManager, model: AdminModel, registry: readonly AdminOptions[], query: (name: string) => string | undefined): Promise<{ filters: ListFilter[]; error?: string }> {
  const filters: ListFilter[] = []
  let error: string | undefined
  for (const name of model.options.filters ?? []) {
    const field = model.fields.find((f) => f.name === name && (f.kind === 'reference' || f.kind === 'boolean'))
    if (!field) continue
    const value = (query(field.name) ?? '').trim()
    let options: [string, string][] | undefined
    if (field.kind === 'boolean') options = [['1', 'Yes'], ['0', 'No']]
    else {
      const rows = await rowChoices(em, field.target!, registry, { entity: model.meta.className, field: field.name })
      options = rows && (field.nullable ? [['none', '(none)'], ...rows] : rows)
    }
    const known = options ? options.some(([v]) => v === value) : /^\d{1,15}$/.test(value) || (field.nullable && value === 'none')
    if (value && !known) error ??= `“${value}” is not a choice of the ${field.label.toLowerCase()} filter.`
    filters.push({ field, options, value: known ? value : '' })
  }
  return { filters, error }
}

/** Narrow a list's query to the filters' values (`none`: no row referenced). */
export function applyFilters(query: Knex.QueryBuilder, filters: readonly ListFilter[]): void {
  for (const { field, value } of filters) {
    if (!value) continue
    if (value === 'none') query.whereNull(field.column)
    else if (field.kind === 'boolean') query.where(field.column, value === '1')
    else query.where(field.column, Number(value))
  }
}

/** The list's search box and filters, one GET form. */
export function ListControls({ model, q, filters }: { model: AdminModel; q: string; filters: ListFilter[] }) {
  if (!model.search.length && !filters.length) return null
  return (
    <form method="get" class="d-flex flex-wrap gap-2 align-items-end" role="search" aria-label={`Search ${model.verboseNamePlural}`}>
      {model.search.length > 0 && (
        <div>
          <label class="visually-hidden" for="admin-q">
            Search
          </label>
          <input id="admin-q" class="form-control" type="search" name="q" value={q} placeholder={`Search ${model.search.map((f) => f.label.toLowerCase()).join(', ')}`} />
        </div>
      )}
      {filters.map(({ field, options, value }) => (
        <div>
          <label class="form-label small mb-0" for={`filter-${field.name}`}>
            By {field.label.toLowerCase()}
          </label>
          {options ? (
            <select id={`filter-${field.name}`} class="form-select" name={field.name}>
              <option value="">All</option>
              {options.map(([v, label]) => (
                <option value={v} selected={v === value}>
                  {label}
                </option>
              ))}
            </select>
          ) : (
            <input id={`filter-${field.name}`} class="form-control" type="number" name={field.name} value={value} min="1" placeholder="id" />
          )}
        </div>
      ))}
      <button class="btn btn-outline-secondary" type="submit">
        {model.search.length ? 'Search' : 'Filter'}
      </button>
    </form>
  )
}
