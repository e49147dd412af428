import type { EntityManager } from '@mikro-orm/knex'
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import type { Site, SiteEnv } from '../pages/context.js'
import { flash } from '../pages/flash.js'
import { Form, FormError, type FormErrors } from '../pages/form.js'
import { keysetPage, pageRequest, type SortColumn } from '../pages/keyset.js'
import { DataTable, Pager, pagerLinks, withQuery, type Column } from '../pages/table.js'
import { likePattern } from '../pages/search.js'
import { ValidationError } from '../../core/errors.js'
import { AdminCell, AdminInput, formValue, listEntities, readForm, referenceChoices, uniqueErrors } from './fields.js'
import { applyFilters, ListControls, listFilters, type ListFilter } from './filters.js'
import { adminModels, capitalize, rowLabel, type AdminField, type AdminModel } from './registry.js'

const PAGE_SIZE = 50

/** The admin is for staff (Django's is_staff) and superusers. */
export function staffRequired(): MiddlewareHandler<SiteEnv> {
  return async (c, next) => {
    const user = c.get('user')
    if (user?.isStaff || user?.isSuperuser) return next()
    c.status(403)
    return c.render(<p>Your account may not use the admin; ask a superuser to make it staff.</p>, { title: 'Forbidden' })
  }
}

function quoted(model: AdminModel, row: Record<string, unknown>): string {
  return `The ${model.verboseName} “${rowLabel(model, row)}”`
}

function IndexPage({ models }: { models: AdminModel[] }) {
  const groups = new Map<string, AdminModel[]>()
  for (const m of models) groups.set(m.appLabel, [...(groups.get(m.appLabel) ?? []), m])
  return (
    <div class="row g-3">
      {[...groups].map(([label, list]) => (
        <section class="col-12 col-md-6 col-xl-4" aria-labelledby={`app-${label}`}>
          <div class="card">
            <div class="card-header">
              <h2 class="h5 mb-0" id={`app-${label}`}>
                {capitalize(label)}
              </h2>
            </div>
            <ul class="list-group list-group-flush">
              {list.map((m) => (
                <li class="list-group-item d-flex justify-content-between align-items-center gap-2">
                  <a href={m.path}>{capitalize(m.verboseNamePlural)}</a>
                  {!m.options.readOnly && (
                    <a class="btn btn-sm btn-outline-primary" href={`${m.path}add/`} aria-label={`Add ${m.verboseName}`}>
                      Add
                    </a>
                  )}
                </li>
              ))}
            </ul>
          </div>
        </section>
      ))}
    </div>
  )
}

/** Knex's query of a model's table, rows mapped to entities with their list's references loaded. */
async function listRows(em: EntityManager, model: AdminModel, c: Context<SiteEnv>, dialect: 'postgresql' | 'sqlite', filters: ListFilter[]) {
  const sortable = model.fields.filter((f) => !f.nullable && f.kind !== 'text' && f.kind !== 'reference')
  const sortField = sortable.find((f) => f.name === c.req.query('sort')) ?? model.pk
  const dir: 'asc' | 'desc' = c.req.query('dir') === 'asc' ? 'asc' : 'desc'
  const order: SortColumn[] = [{ sql: `"${sortField.column}"`, field: sortField.column, date: sortField.kind === 'datetime' }]
  if (sortField !== model.pk) order.push({ sql: `"${model.pk.column}"`, field: model.pk.column })
  const q = (c.req.query('q') ?? '').trim()
  const query = em.getKnex()(model.meta.tableName).select('*')
  if (q && model.search.length) {
    const pattern = likePattern(q, 'contains')
    query.where((w) => {
      for (const f of model.search) w.orWhereRaw(`lower("${f.column}") like ? escape '\\'`, [pattern])
    })
  }
  applyFilters(query, filters)
  const page = await keysetPage<Record<string, unknown>>(query, order, dir, pageRequest((n) => c.req.query(n), order), PAGE_SIZE, dialect)
  const entities = await listEntities(em, model.meta.className, page.rows, model.list)
  return { entities, page, sortable, sortField, dir, q }
}

function ModelForm({ model, raw, errors, choices, action, readOnly }: { model: AdminModel; raw: Record<string, string | boolean>; errors: FormErrors; choices: Map<string, [string, string][]>; action: string; readOnly?: boolean }) {
  const fields = model.fields.filter((f) => f.editable)
  return (
    <Form action={action} aria-label={`${capitalize(model.verboseName)} form`}>
      {Object.keys(errors).length > 0 && (
        <div class="alert alert-danger" role="alert">
          Please correct the error{Object.keys(errors).length > 1 ? 's' : ''} below.
        </div>
      )}
      <FormError errors={errors} />
      {fields.map((f) => (
        <AdminInput field={f} value={raw[f.name] ?? (f.kind === 'boolean' ? false : '')} error={errors[f.name]} choices={choices.get(f.name)} disabled={readOnly} />
      ))}
      {!readOnly && (
        <button type="submit" class="btn btn-primary">
          Save
        </button>
      )}
    </Form>
  )
}

/**
 * The admin (Django admin's role, docs tutorial part 3): an index of the registered entities
 * by app, and for each a list (keyset-paged, sortable, searchable), add, change and delete
 * pages generated from its metadata, with an error per field. Read-only entities have the
 * list and a view of each row.
 */
export function adminPages(site: Site): Hono<SiteEnv> {
  const app = new Hono<SiteEnv>()
  let models: AdminModel[] | undefined
  const all = () => (models ??= adminModels(site))
  const find = (c: Context<SiteEnv>) => all().find((m) => m.appLabel === c.req.param('app') && m.modelName === c.req.param('model'))
  const notFound = (c: Context<SiteEnv>) => {
    c.status(404)
    return c.render(<p>There is no such page in the admin.</p>, { title: 'Not found' })
  }
  const dialect = site.router.db.dialect

  app.get('/', (c) => c.render(<IndexPage models={all()} />, { title: 'Site administration' }))

  app.get('/:app/:model/', async (c) => {
    const model = find(c)
    if (!model) return notFound(c)
    const em = site.em()
    const { filters, error } = await listFilters(em, model, site.admin, (n) => c.req.query(n))
    if (error) c.status(400)
    const { entities, page, sortable, sortField, dir, q } = await listRows(em, model, c, dialect, filters)
    const url = c.req.url
    const sortKeys = new Set(sortable.map((f) => f.name))
    const columns: Column<Record<string, unknown>>[] = model.list.map((field: AdminField, i) => ({
      label: field.label,
      sort: sortKeys.has(field.name) ? field.name : undefined,
      cell: (row) =>
        i === 0 ? (
          <a href={`${model.path}${String(row[model.pk.name])}/change/`}>
            <AdminCell field={field} row={row} />
          </a>
        ) : (
          <AdminCell field={field} row={row} />
        ),
    }))
    const links = pagerLinks(url, page)
    const filtered = q || filters.some((f) => f.value)
    return c.render(
      <>
        {error && (
          <div class="alert alert-danger" role="alert">
            {error}
          </div>
        )}
        <div class="d-flex flex-wrap gap-2 mb-3 align-items-end">
          <ListControls model={model} q={q} filters={filters} />
          {!model.options.readOnly && (
            <a class="btn btn-primary ms-auto" href={`${model.path}add/`}>
              Add {model.verboseName}
            </a>
          )}
        </div>
        <DataTable
          caption={capitalize(model.verboseNamePlural)}
          columns={columns}
          rows={entities}
          empty={filtered ? (q ? `No ${model.verboseNamePlural} match “${q}”.` : `No ${model.verboseNamePlural} match the filters.`) : `No ${model.verboseNamePlural} yet.`}
          sort={{ key: sortField.name, dir, href: (key, d) => withQuery(url, { sort: key, dir: d, after: undefined, before: undefined }) }}
        />
        <Pager prev={links.prev} next={links.next} prevLabel={dir === 'desc' ? '« Newer' : '« Previous'} nextLabel={dir === 'desc' ? 'Older »' : 'Next »'} />
      </>,
      { title: capitalize(model.verboseNamePlural), header: `Select ${model.verboseName} to ${model.options.readOnly ? 'view' : 'change'}` },
    )
  })

  const render = async (c: Context<SiteEnv>, model: AdminModel, raw: Record<string, string | boolean>, errors: FormErrors, action: string, title: string, id?: string) => {
    const choices = await referenceChoices(site.em(), model, site.admin, id === undefined ? undefined : Number(id))
    return c.render(
      <>
        <ModelForm model={model} raw={raw} errors={errors} choices={choices} action={action} readOnly={model.options.readOnly} />
        {id && !model.options.readOnly && (
          <p class="mt-3">
            <a class="link-danger" href={`${model.path}${id}/delete/`}>
              Delete
            </a>
          </p>
        )}
      </>,
      { title },
    )
  }

  const save = async (c: Context<SiteEnv>, model: AdminModel, id?: string) => {
    const em = site.em()
    const existing = id === undefined ? undefined : await em.findOne(model.meta.className, { [model.pk.name]: Number(id) })
    if (id !== undefined && !existing) return notFound(c)
    const body = await c.req.parseBody()
    const { values, errors, raw } = await readForm(em, model, body)
    if (!Object.keys(errors).length) Object.assign(errors, await uniqueErrors(em, model, values, existing ? Number(id) : undefined))
    if (!Object.keys(errors).length && model.options.clean) Object.assign(errors, await model.options.clean(values, { em, id: existing ? Number(id) : undefined }))
    const action = id === undefined ? `${model.path}add/` : `${model.path}${id}/change/`
    if (Object.keys(errors).length) {
      c.status(400)
      return render(c, model, raw, errors, action, id === undefined ? `Add ${model.verboseName}` : `Change ${model.verboseName}`, id)
    }
    let row: Record<string, unknown>
    if (existing) {
      em.assign(existing, values)
      row = existing as Record<string, unknown>
    } else row = em.create(model.meta.className, values) as Record<string, unknown>
    try {
      await em.flush()
    } catch (error) {
      // A rule of the model (its hooks) or of the database the form could not check (a
      // foreign key, a check): said on the form, not a 500.
      c.status(400)
      const refused = error instanceof ValidationError ? { [model.fields.some((f) => f.name === error.field && f.editable) ? error.field : '__all__']: error.reason } : { __all__: `The database refused it: ${(error as Error).message.split('\n')[0]}` }
      return render(c, model, raw, refused, action, id === undefined ? `Add ${model.verboseName}` : `Change ${model.verboseName}`, id)
    }
    flash(c, 'success', `${quoted(model, row)} was ${existing ? 'changed' : 'added'} successfully.`)
    return c.redirect(model.path, 302)
  }

  app.get('/:app/:model/add/', (c) => {
    const model = find(c)
    if (!model || model.options.readOnly) return notFound(c)
    const raw = Object.fromEntries(model.fields.filter((f) => f.editable).map((f) => [f.name, formValue(f, model.meta.properties[f.name]?.default)]))
    return render(c, model, raw, {}, `${model.path}add/`, `Add ${model.verboseName}`)
  })
  app.post('/:app/:model/add/', (c) => {
    const model = find(c)
    if (!model || model.options.readOnly) return notFound(c)
    return save(c, model)
  })

  app.get('/:app/:model/:id/change/', async (c) => {
    const model = find(c)
    const id = c.req.param('id')
    if (!model || !/^\d+$/.test(id)) return notFound(c)
    const row = (await site.em().findOne(model.meta.className, { [model.pk.name]: Number(id) })) as Record<string, unknown> | null
    if (!row) return notFound(c)
    const raw = Object.fromEntries(model.fields.filter((f) => f.editable).map((f) => [f.name, formValue(f, row[f.name])]))
    return render(c, model, raw, {}, `${model.path}${id}/change/`, `${model.options.readOnly ? 'View' : 'Change'} ${model.verboseName}: ${rowLabel(model, row)}`, id)
  })
  app.post('/:app/:model/:id/change/', (c) => {
    const model = find(c)
    const id = c.req.param('id')
    if (!model || model.options.readOnly || !/^\d+$/.test(id)) return notFound(c)
    return save(c, model, id)
  })

  const deleting = async (c: Context<SiteEnv>) => {
    const model = find(c)
    const id = c.req.param('id') ?? ''
    if (!model || model.options.readOnly || !/^\d+$/.test(id)) return undefined
    const em = site.em()
    const row = (await em.findOne(model.meta.className, { [model.pk.name]: Number(id) })) as Record<string, unknown> | null
    return row ? { model, row, em } : undefined
  }
  app.get('/:app/:model/:id/delete/', async (c) => {
    const found = await deleting(c)
    if (!found) return notFound(c)
    const { model, row } = found
    return c.render(
      <Form action={`${model.path}${c.req.param('id')}/delete/`} aria-label="Confirm deletion">
        <p>Are you sure you want to delete the {model.verboseName} “{rowLabel(model, row)}”?</p>
        <button type="submit" class="btn btn-danger me-2">
          Yes, I’m sure
        </button>
        <a class="btn btn-outline-secondary" href={`${model.path}${c.req.param('id')}/change/`}>
          No, take me back
        </a>
      </Form>,
      { title: `Delete ${model.verboseName}` },
    )
  })
  app.post('/:app/:model/:id/delete/', async (c) => {
    const found = await deleting(c)
    if (!found) return notFound(c)
    const { model, row, em } = found
    try {
      await em.remove(row).flush()
    } catch (error) {
      flash(c, 'danger', `${quoted(model, row)} could not be deleted: ${error instanceof ValidationError ? error.reason : (error as Error).message.split('\n')[0]}`)
      return c.redirect(`${model.path}${c.req.param('id')}/change/`, 302)
    }
    flash(c, 'success', `${quoted(model, row)} was deleted successfully.`)
    return c.redirect(model.path, 302)
  })
  return app
}
