import type { EntityManager } from '@mikro-orm/knex'
import { Hono, type Context } from 'hono'
import { BACKEND_NAME_MAX, IDENTITY_MAX } from '../../core/config.js'
import { Backend, backendRow, Connection, Contact, extraFieldNames, type FieldsOwner } from '../../models/index.js'
import { AdminCell, AdminInput, formValue, listEntities, readForm, referenceChoices } from '../../web/admin/fields.js'
import { adminModels, type AdminField, type AdminModel } from '../../web/admin/registry.js'
import { definePages, type Site, type SiteEnv } from '../../web/pages/context.js'
import { flash } from '../../web/pages/flash.js'
import { Field, Form, FormError, type FormErrors } from '../../web/pages/form.js'
import { keysetPage, pageRequest, type SortColumn } from '../../web/pages/keyset.js'
import { byteOrder, likePattern } from '../../web/pages/search.js'
import { DataTable, Pager, pagerLinks, type Column } from '../../web/pages/table.js'
import { languagesOf } from './languages.js'
import { addBulkRows, BULK_FORMAT, checkRows, readBulkFile, type BulkError, type BulkRow } from './bulk.js'

const PAGE_SIZE = 50
const ORDER: SortColumn[] = [{ sql: 'c.id', field: 'id' }]
const NAME_MAX = 100

function SubNav({ active }: { active: 'list' | 'add' | 'bulk' }) {
  const item = (key: typeof active, href: string, label: string) => (
    <li class="nav-item">
      <a class={`nav-link${active === key ? ' active' : ''}`} href={href} aria-current={active === key ? 'page' : undefined}>
        {label}
      </a>
    </li>
  )
  return (
    <ul class="nav nav-pills mb-3 flex-wrap">
      {item('list', '/registration/', 'List Contacts')}
      {item('add', '/registration/add/', 'Add Contact')}
      {item('bulk', '/registration/bulk/', 'Bulk Add Contacts')}
    </ul>
  )
}

interface ContactLine {
  id: number
  name: string
  language: string
  connections: string[]
  /** The fields apps add to Contact (docs 12), by name. */
  extra: Record<string, unknown>
}

/** The Contact fields installed apps add (extensible models, docs 12), as the admin reads and draws them. */
interface ExtraFields {
  model: AdminModel
  fields: AdminField[]
}

function extraFields(site: Site): ExtraFields | undefined {
  const names = extraFieldNames(site.router.settings.apps as FieldsOwner[], 'Contact')
  const model = names.length ? adminModels(site).find((m) => m.meta.className === 'Contact') : undefined
  const fields = model ? names.map((n) => model.fields.find((f) => f.name === n)).filter((f): f is AdminField => f !== undefined && f.editable) : []
  return model && fields.length ? { model: { ...model, fields }, fields } : undefined
}

const columns: Column<ContactLine>[] = [
  { label: 'Name', cell: (c) => <a href={`/registration/${c.id}/edit/`}>{c.name || `Contact ${c.id}`}</a> },
  { label: 'Language', cell: (c) => c.language },
  { label: 'Connections', cell: (c) => <span class="msg-text">{c.connections.join(', ')}</span> },
  { label: 'Messages', cell: (c) => <a href={`/messagelog/?contact_id=${c.id}`} aria-label={`Messages of ${c.name || `contact ${c.id}`}`}>Messages</a> },
]

/** The backends a connection may be on: the configured ones and any the database knows. */
async function backendNames(site: Site, em: EntityManager): Promise<string[]> {
  return [...new Set([...Object.keys(site.router.settings.backends), ...(await em.find(Backend, {}, { orderBy: { name: 'asc' } })).map((b) => b.name)])].sort()
}

/** A connection row of the contact form: an existing one (with its id) or the blank one. */
interface ConnectionRow {
  key: string
  id?: number
  backend: string
  identity: string
  remove: boolean
}

function ContactForm({ action, name, language, rows, errors, backends, languages, contactId, extras = [] }: { action: string; name: string; language: string; rows: ConnectionRow[]; errors: FormErrors; backends: string[]; languages: readonly (readonly [string, string])[]; contactId?: number; extras?: { field: AdminField; value: string | boolean; choices?: [string, string][] }[] }) {
  return (
    <>
      <Form action={action} aria-label="Contact">
        {Object.keys(errors).length > 0 && (
          <div class="alert alert-danger" role="alert">
            Please correct the errors below.
          </div>
        )}
        <FormError errors={errors} />
        <Field field={{ name: 'name', label: 'Name', value: name, maxLength: NAME_MAX }} error={errors.name} />
        <Field field={{ name: 'language', label: 'Language', type: 'select', value: language, options: [['', '(the project’s)'], ...languages.map(([code, label]) => [code, `${label} (${code})`] as [string, string])] }} error={errors.language} />
        {extras.map(({ field, value, choices }) => (
          <AdminInput field={field} value={value} error={errors[field.name]} choices={choices} />
        ))}
        <fieldset class="mb-3">
          <legend class="h6">Connections</legend>
          {rows.map((row) => (
            <div class="row g-2 align-items-start">
              {row.id !== undefined && <input type="hidden" name={`conn-${row.key}-id`} value={String(row.id)} />}
              <div class="col-12 col-sm-4">
                <Field
                  id={`id_conn-${row.key}-backend`}
                  field={{ name: `conn-${row.key}-backend`, label: row.id === undefined ? 'New connection: backend' : 'Backend', type: 'select', value: row.backend, options: [...(row.id === undefined ? [['', '---------'] as [string, string]] : []), ...backends.map((b) => [b, b] as [string, string])] }}
                />
              </div>
              <div class="col-12 col-sm-5">
                <Field id={`id_conn-${row.key}-identity`} field={{ name: `conn-${row.key}-identity`, label: row.id === undefined ? 'New connection: identity' : 'Identity', value: row.identity, maxLength: IDENTITY_MAX, inputmode: 'tel' }} error={errors[`conn-${row.key}`]} />
              </div>
              {row.id !== undefined && (
                <div class="col-12 col-sm-3 pt-sm-4">
                  <Field id={`id_conn-${row.key}-delete`} field={{ name: `conn-${row.key}-delete`, label: 'Delete', type: 'checkbox', value: row.remove }} />
                </div>
              )}
            </div>
          ))}
        </fieldset>
        <button type="submit" class="btn btn-primary">
          Save
        </button>
      </Form>
      {contactId !== undefined && (
        <Form action={`/registration/${contactId}/delete/`} class="mt-3" aria-label="Delete contact">
          <button type="submit" class="btn btn-outline-danger">
            Delete Contact
          </button>
        </Form>
      )}
    </>
  )
}

function BulkPage({ errors, rows, fileError }: { errors?: BulkError[]; rows?: BulkRow[]; fileError?: string }) {
  return (
    <>
      <Form action="/registration/bulk/" enctype="multipart/form-data" aria-label="Bulk add contacts">
        <Field
          field={{
            name: 'bulk',
            label: 'Upload CSV file',
            type: 'file',
            accept: '.csv,text/csv,text/plain',
            required: true,
            help: (
              <>
                A plain text file with one contact a line: <code>{BULK_FORMAT}</code>, for example <code>Maria Soares, message_tester, +6707999999</code>. Put a name
                with a comma in double quotes; a first line <code>name,backend,identity</code> is skipped.
              </>
            ),
          }}
          error={fileError}
        />
        <button type="submit" class="btn btn-primary">
          Check and add
        </button>
      </Form>
      {errors && errors.length > 0 && (
        <section class="mt-4" aria-labelledby="bulk-errors">
          <h2 class="h5" id="bulk-errors">
            {errors.length} line{errors.length === 1 ? '' : 's'} cannot be added; nothing was stored
          </h2>
          <DataTable
            caption="Lines with errors"
            id="bulk-errors-table"
            columns={[
              { label: 'Line', cell: (e: BulkError) => String(e.line) },
              { label: 'Text', cell: (e: BulkError) => <span class="msg-text">{e.text}</span> },
              { label: 'Error', cell: (e: BulkError) => e.reason },
            ]}
            rows={errors}
            empty=""
          />
          {rows && rows.length > 0 && (
            <Form action="/registration/bulk/confirm/" aria-label="Add the good lines">
              <input type="hidden" name="rows" value={JSON.stringify(rows.map((r) => [r.line, r.name, r.backend, r.identity]))} />
              <button type="submit" class="btn btn-warning">
                Add the {rows.length} good line{rows.length === 1 ? '' : 's'} anyway
              </button>
            </Form>
          )}
        </section>
      )}
    </>
  )
}

function registration(site: Site): Hono<SiteEnv> {
  const app = new Hono<SiteEnv>()
  const { router } = site
  const languages = languagesOf(router.settings)
  let extra: ExtraFields | undefined | null = null
  const extras = () => (extra === null ? (extra = extraFields(site)) : extra)

  app.get('/', async (c) => {
    const em = site.em()
    const knex = em.getKnex()
    const q = (c.req.query('q') ?? '').trim()
    const query = knex({ c: 'rapidsms_contact' }).select('c.*')
    if (q) {
      const pattern = likePattern(q, 'contains')
      query.where((w) => w.whereRaw(`lower(c.name) like ? escape '\\'`, [pattern]).orWhereIn('c.id', knex('rapidsms_connection').whereRaw(`${byteOrder(router.db.dialect, 'identity')} like ? escape '\\'`, [likePattern(q, 'prefix', false)]).whereNotNull('contact_id').select('contact_id')))
    }
    const page = await keysetPage<Record<string, unknown>>(query, ORDER, 'desc', pageRequest((n) => c.req.query(n), ORDER), PAGE_SIZE, router.db.dialect)
    const ids = page.rows.map((r) => Number(r.id))
    const connections = ids.length
      ? ((await knex({ cn: 'rapidsms_connection' }).join({ b: 'rapidsms_backend' }, 'b.id', 'cn.backend_id').whereIn('cn.contact_id', ids).orderBy('cn.id').select('cn.contact_id', 'cn.identity', { backend: 'b.name' })) as { contact_id: number; identity: string; backend: string }[])
      : []
    // As the admin's list: the fields apps add drawn from the entities, a reference (a contact's location) by its row's name.
    const contacts = await listEntities(em, 'Contact', page.rows, extras()?.fields ?? [])
    const rows: ContactLine[] = contacts.map((contact) => ({
      id: Number(contact.id),
      name: String(contact.name),
      language: String(contact.language),
      connections: connections.filter((cn) => Number(cn.contact_id) === Number(contact.id)).map((cn) => `${cn.backend}: ${cn.identity}`),
      extra: contact,
    }))
    const listColumns: Column<ContactLine>[] = [...columns.slice(0, 2), ...(extras()?.fields ?? []).map((f) => ({ label: f.label, cell: (line: ContactLine) => <AdminCell field={f} row={line.extra} /> })), ...columns.slice(2)]
    const links = pagerLinks(c.req.url, page)
    return c.render(
      <>
        <SubNav active="list" />
        <form method="get" class="d-flex gap-2 mb-3" role="search" aria-label="Search contacts">
          <label class="visually-hidden" for="contact-q">
            Search contacts
          </label>
          <input id="contact-q" class="form-control" type="search" name="q" value={q} placeholder="Name or identity" />
          <button class="btn btn-outline-secondary" type="submit">
            Search
          </button>
        </form>
        <DataTable caption="Contacts, newest first" columns={listColumns} rows={rows} empty={q ? `No contact matches “${q}”.` : 'No contacts yet.'} id="contacts" />
        <Pager prev={links.prev} next={links.next} prevLabel="« Newer" nextLabel="Older »" />
      </>,
      { title: 'Registration' },
    )
  })

  const connectionRows = (body: Record<string, unknown>): ConnectionRow[] => {
    const keys = [...new Set(Object.keys(body).map((k) => /^conn-(\d+|new)-/.exec(k)?.[1]).filter((k): k is string => k !== undefined))]
    const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string).trim() : '')
    return keys.map((key) => ({
      key,
      id: key === 'new' ? undefined : Number(text(`conn-${key}-id`)) || undefined,
      backend: text(`conn-${key}-backend`),
      identity: text(`conn-${key}-identity`),
      remove: body[`conn-${key}-delete`] === 'on',
    }))
  }

  const renderForm = async (c: Context<SiteEnv>, contact: { id?: number; name: string; language: string; [field: string]: unknown }, rows: ConnectionRow[], errors: FormErrors) => {
    const backends = await backendNames(site, site.em())
    // A field that points at another table (a contact's location) is a select of its rows.
    const choices = extras() ? await referenceChoices(site.em(), extras()!.model, site.admin, contact.id) : new Map<string, [string, string][]>()
    if (!rows.some((r) => r.key === 'new')) rows = [...rows, { key: 'new', backend: '', identity: '', remove: false }]
    const action = contact.id === undefined ? '/registration/add/' : `/registration/${contact.id}/edit/`
    return c.render(
      <>
        <SubNav active={contact.id === undefined ? 'add' : 'list'} />
        <ContactForm
          action={action}
          name={contact.name}
          language={contact.language}
          rows={rows}
          errors={errors}
          backends={backends}
          languages={languages}
          contactId={contact.id}
          extras={(extras()?.fields ?? []).map((field) => ({ field, choices: choices.get(field.name), value: formValue(field, contact[field.name] ?? (contact.id === undefined ? (extras()!.model.meta.properties as Record<string, { default?: unknown }>)[field.name]?.default : undefined)) }))}
        />
      </>,
      { title: contact.id === undefined ? 'Add Contact' : `Edit ${contact.name || `contact ${contact.id}`}` },
    )
  }

  app.get('/add/', (c) => renderForm(c, { name: '', language: '' }, [], {}))

  app.get('/:id/edit/', async (c) => {
    const em = site.em()
    const contact = /^\d+$/.test(c.req.param('id')) ? await em.findOne(Contact, { id: Number(c.req.param('id')) }) : null
    if (!contact) return c.notFound()
    const connections = await em.find(Connection, { contact }, { orderBy: { id: 'asc' }, populate: ['backend'] })
    return renderForm(c, contact, connections.map((cn, i) => ({ key: String(i), id: cn.id, backend: cn.backend.name, identity: cn.identity, remove: false })), {})
  })

  /** Add or change a contact with its connections: every row checked first, all saved in one transaction. */
  const save = async (c: Context<SiteEnv>, id?: number) => {
    const em = site.em()
    const existing = id === undefined ? undefined : await em.findOne(Contact, { id })
    if (id !== undefined && !existing) return c.notFound()
    const body = await c.req.parseBody()
    const name = typeof body.name === 'string' ? body.name.trim() : ''
    const language = typeof body.language === 'string' ? body.language : ''
    const rows = connectionRows(body)
    const extra = extras() ? await readForm(em, extras()!.model, body) : { values: {}, errors: {}, raw: {} }
    const errors: FormErrors = { ...extra.errors }
    if ([...name].length > NAME_MAX) errors.name = `Ensure this value has at most ${NAME_MAX} characters (it has ${[...name].length}).`
    if (language && !languages.some(([code]) => code === language)) errors.language = `Select a valid choice. ${language} is not one of the available choices.`
    const backends = await backendNames(site, em)
    const owned = existing ? await em.find(Connection, { contact: existing }, { populate: ['backend'] }) : []
    const seen = new Set<string>()
    const plan: { row: ConnectionRow; link?: Connection }[] = []
    for (const row of rows) {
      const key = `conn-${row.key}`
      if (row.remove || (row.id === undefined && !row.backend && !row.identity)) continue
      if (row.id !== undefined && !owned.some((o) => o.id === row.id)) errors[key] = 'This connection is not this contact’s.'
      else if (!row.backend || !backends.includes(row.backend) || row.backend.length > BACKEND_NAME_MAX) errors[key] = 'Select a backend.'
      else if (!row.identity) errors[key] = 'This field is required.'
      else if (row.identity.length > IDENTITY_MAX) errors[key] = `Ensure this value has at most ${IDENTITY_MAX} characters (it has ${row.identity.length}).`
      else if (seen.has(`${row.backend}\n${row.identity}`)) errors[key] = 'This connection is in the form twice.'
      else {
        seen.add(`${row.backend}\n${row.identity}`)
        const other = await em.findOne(Connection, { backend: { name: row.backend }, identity: row.identity, ...(row.id !== undefined ? { id: { $ne: row.id } } : {}) }, { populate: ['contact'] })
        // A phone that texted in has a connection and no contact yet: it becomes this contact's.
        if (other?.contact && other.contact.id !== existing?.id) errors[key] = `Connection with this Backend and Identity already exists (contact ${other.contact.name || other.contact.id}).`
        else plan.push({ row, link: other ?? undefined })
      }
    }
    if (Object.keys(errors).length) {
      c.status(400)
      return renderForm(c, { ...extra.raw, id, name, language }, rows, errors)
    }
    const now = router.clock.date()
    await em.transactional(async (tx) => {
      const contact = existing ? tx.merge(existing) : tx.create(Contact, { name, language, createdOn: now, modifiedOn: now, ...extra.values })
      tx.assign(contact, { name, language, ...extra.values })
      for (const row of rows) if (row.remove && row.id !== undefined) tx.remove(tx.getReference(Connection, row.id))
      for (const { row, link } of plan) {
        const backend = await backendRow(tx, row.backend)
        if (row.id !== undefined) tx.assign(tx.merge(owned.find((o) => o.id === row.id)!), { backend, identity: row.identity, modifiedOn: now })
        else if (link) tx.assign(tx.merge(link), { contact, modifiedOn: now })
        else tx.create(Connection, { backend, identity: row.identity, contact, createdOn: now, modifiedOn: now })
      }
    })
    flash(c, 'success', existing ? `Saved contact ${name || existing.id}.` : `Added contact ${name}.`)
    return c.redirect('/registration/', 302)
  }
  app.post('/add/', (c) => save(c))
  app.post('/:id/edit/', (c) => (/^\d+$/.test(c.req.param('id')) ? save(c, Number(c.req.param('id'))) : c.notFound()))

  app.post('/:id/delete/', async (c) => {
    const em = site.em()
    const contact = /^\d+$/.test(c.req.param('id')) ? await em.findOne(Contact, { id: Number(c.req.param('id')) }) : null
    if (!contact) return c.notFound()
    await em.remove(contact).flush()
    flash(c, 'success', `Deleted contact ${contact.name || contact.id}.`)
    return c.redirect('/registration/', 302)
  })

  app.get('/bulk/', (c) => c.render(<><SubNav active="bulk" /><BulkPage /></>, { title: 'Bulk Add Contacts' }))

  app.post('/bulk/', async (c) => {
    const body = await c.req.parseBody()
    const file = body.bulk
    const page = (props: Parameters<typeof BulkPage>[0]) => c.render(<><SubNav active="bulk" /><BulkPage {...props} /></>, { title: 'Bulk Add Contacts' })
    if (!(file instanceof File) || file.size === 0) {
      c.status(400)
      return page({ fileError: 'Choose a CSV file of contacts.' })
    }
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer())
    } catch {
      c.status(400)
      return page({ fileError: 'The file is not UTF-8 text; save it as CSV UTF-8 and upload it again.' })
    }
    const em = site.em()
    const { rows, errors } = await readBulkFile(em, text, Object.keys(router.settings.backends))
    if (errors.length) {
      c.status(400)
      return page({ errors, rows })
    }
    if (!rows.length) {
      c.status(400)
      return page({ fileError: 'The file has no contacts.' })
    }
    const n = await addBulkRows(em, rows, router.clock.date())
    flash(c, 'success', `Added ${n} contact${n === 1 ? '' : 's'}.`)
    return c.redirect('/registration/', 302)
  })

  // The good lines of a file with errors, once the user confirmed them: checked again first.
  app.post('/bulk/confirm/', async (c) => {
    const body = await c.req.parseBody()
    let records: { line: number; fields: string[] }[] = []
    try {
      const parsed: unknown = JSON.parse(typeof body.rows === 'string' ? body.rows : '[]')
      if (Array.isArray(parsed)) records = parsed.filter((r) => Array.isArray(r) && r.length === 4 && r.every((v, i) => (i === 0 ? typeof v === 'number' : typeof v === 'string'))).map((r) => ({ line: r[0], fields: r.slice(1) }))
    } catch {
      records = []
    }
    const em = site.em()
    const { rows, errors } = await checkRows(em, records, Object.keys(router.settings.backends))
    if (errors.length || !rows.length) {
      c.status(400)
      return c.render(<><SubNav active="bulk" /><BulkPage errors={errors} rows={rows} fileError={rows.length ? undefined : 'Nothing to add.'} /></>, { title: 'Bulk Add Contacts' })
    }
    const n = await addBulkRows(em, rows, router.clock.date())
    flash(c, 'success', `Added ${n} contact${n === 1 ? '' : 's'}.`)
    return c.redirect('/registration/', 302)
  })
  return app
}

/** The Registration pages at `/registration/` (docs 21.8.2): list, add, edit, delete, bulk add from CSV. */
export const registrationPages = definePages({ path: '/registration/', title: 'Registration', create: registration })
