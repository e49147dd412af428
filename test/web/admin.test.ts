import { describe, expect, it } from 'vitest'
import { Connection, Contact, DeliveryReport, KannelBackend } from '../../src/index.js'
import { useRapidTest } from '../../src/testing/index.js'
import { createEdge } from '../../src/web/index.js'
import { createUser } from '../../src/web/accounts/users.js'
import { migrations } from '../../examples/tutorial/migrations/index.js'
import { Choice } from '../../examples/tutorial/voting/models.js'
import { ADMIN, createAdmin, PageClient } from './support/client.js'

const rapid = useRapidTest({
  settings: { entities: [Choice], migrations, admin: [Choice] },
  backends: { kannel: { engine: KannelBackend, sendsms_url: 'http://127.0.0.1:9/' } },
})

async function loggedIn(): Promise<PageClient> {
  await createAdmin(rapid.db)
  const client = new PageClient(createEdge(rapid.router).app)
  await client.login()
  return client
}

const cells = (html: string) => [...html.matchAll(/<tbody>([\s\S]*?)<\/tbody>/g)].flatMap((b) => [...b[1]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, ''))))

describe('the admin', () => {
  it('lists the registered entities by app, the tutorial’s Choice among them', async () => {
    const c = await loggedIn()
    const { html } = await c.get('/admin/')
    for (const [href, label] of [
      ['/admin/voting/choice/', 'Choices'],
      ['/admin/rapidsms/contact/', 'Contacts'],
      ['/admin/rapidsms/connection/', 'Connections'],
      ['/admin/kannel/deliveryreport/', 'Delivery reports'],
    ]) expect(html).toContain(`<a href="${href}">${label}</a>`)
  })

  it('adds, changes and deletes a choice, with Django’s messages', async () => {
    const c = await loggedIn()
    await c.get('/admin/voting/choice/add/')
    const added = await c.post('/admin/voting/choice/add/', { name: 'Moe', votes: '0' })
    expect(added.response.headers.get('location')).toBe('/admin/voting/choice/')
    const list = await c.get('/admin/voting/choice/')
    expect(list.html).toContain('The choice “Moe” was added successfully.')
    expect(cells(list.html)).toEqual([['Moe', '0']])
    const moe = await rapid.em().findOneOrFail(Choice, { name: 'Moe' })
    await c.get(`/admin/voting/choice/${moe.id}/change/`)
    await c.post(`/admin/voting/choice/${moe.id}/change/`, { name: 'Moe', votes: '3' })
    expect((await rapid.em().findOneOrFail(Choice, { id: moe.id })).votes).toBe(3)
    expect((await c.get(`/admin/voting/choice/${moe.id}/delete/`)).html).toContain('Are you sure you want to delete the choice “Moe”?')
    await c.post(`/admin/voting/choice/${moe.id}/delete/`, {})
    expect(await rapid.em().count(Choice, {})).toBe(0)
    expect((await c.get('/admin/voting/choice/')).html).toContain('The choice “Moe” was deleted successfully.')
  })

  it('shows an error on each field at fault and stores nothing', async () => {
    const c = await loggedIn()
    await rapid.em().persistAndFlush(rapid.em().create(Choice, { name: 'Larry' }))
    await c.get('/admin/voting/choice/add/')
    const blank = await c.post('/admin/voting/choice/add/', { name: '', votes: 'many' })
    expect(blank.status).toBe(400)
    expect(blank.html).toContain('Please correct the errors below.')
    expect(blank.html).toMatch(/id="id_name"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_name"/)
    expect(blank.html).toContain('<div id="id_name_error" class="invalid-feedback d-block">This field is required.</div>')
    expect(blank.html).toContain('<div id="id_votes_error" class="invalid-feedback d-block">Enter a whole number.</div>')
    const long = await c.post('/admin/voting/choice/add/', { name: 'x'.repeat(41), votes: '0' })
    expect(long.html).toContain('Ensure this value has at most 40 characters (it has 41).')
    const taken = await c.post('/admin/voting/choice/add/', { name: 'Larry', votes: '0' })
    expect(taken.html).toContain('Choice with this Name already exists.')
    expect(await rapid.em().count(Choice, {})).toBe(1)
  })

  it('checks a composite unique: one identity per backend', async () => {
    const c = await loggedIn()
    const [conn] = await rapid.lookupConnections('kannel', ['123'])
    await c.get('/admin/rapidsms/connection/add/')
    const { status, html } = await c.post('/admin/rapidsms/connection/add/', { backend: String(conn!.backend.id), identity: '123', contact: '' })
    expect(status).toBe(400)
    expect(html).toContain('Connection with this Backend and Identity already exists.')
    expect((await c.post('/admin/rapidsms/connection/add/', { backend: String(conn!.backend.id), identity: '124', contact: '999' })).html).toContain('Select a valid choice.')
    expect(await rapid.em().count(Connection, {})).toBe(1)
  })

  it('lists by keyset, sorts by a column and searches', async () => {
    const c = await loggedIn()
    const em = rapid.em()
    for (const name of ['Curly', 'Moe', 'Larry', 'Shemp']) em.create(Choice, { name })
    await em.flush()
    expect(cells((await c.get('/admin/voting/choice/')).html).map((r) => r[0])).toEqual(['Shemp', 'Larry', 'Moe', 'Curly'])
    expect(cells((await c.get('/admin/voting/choice/?sort=name&dir=asc')).html).map((r) => r[0])).toEqual(['Curly', 'Larry', 'Moe', 'Shemp'])
    expect(cells((await c.get('/admin/voting/choice/?q=R')).html).map((r) => r[0])).toEqual(['Larry', 'Curly'])
  })

  it('shows delivery reports read-only: no add, no change, no delete', async () => {
    const c = await loggedIn()
    await rapid.db.writer.insert(DeliveryReport, [{ date: new Date('2026-12-01T10:00:00Z'), dateSent: new Date('2026-12-01T09:59:00Z'), messageId: '42', identity: '123', smsId: 'x', smsc: 'FAKE', status: 1, statusText: '' }])
    const list = await c.get('/admin/kannel/deliveryreport/')
    expect(list.html).not.toContain('/admin/kannel/deliveryreport/add/')
    expect(cells(list.html)).toEqual([['2026-12-01 10:00', '42', '123', '1', '', 'FAKE', '2026-12-01 09:59']])
    expect((await c.request('/admin/kannel/deliveryreport/add/')).status).toBe(404)
    const id = (await rapid.em().findOneOrFail(DeliveryReport, { messageId: '42' })).id
    const view = await c.get(`/admin/kannel/deliveryreport/${id}/change/`)
    expect(view.html).not.toContain('type="submit" class="btn btn-primary">Save')
    expect((await c.post(`/admin/kannel/deliveryreport/${id}/change/`, { messageId: '43' })).status).toBe(404)
    expect((await c.post(`/admin/kannel/deliveryreport/${id}/delete/`, {})).status).toBe(404)
    expect(await rapid.em().count(DeliveryReport, { messageId: '42' })).toBe(1)
  })

  it('is for staff: a plain user is refused', async () => {
    await createUser(rapid.em(), { username: 'clerk', password: 'another long secret' })
    const c = new PageClient(createEdge(rapid.router).app)
    await c.login({ username: 'clerk', password: 'another long secret' })
    expect((await c.request('/admin/')).status).toBe(403)
    expect((await c.request('/')).status).toBe(200)
    expect(ADMIN.username).toBe('admin')
  })

  it('shows names that look like HTML as text', async () => {
    const c = await loggedIn()
    await rapid.em().persistAndFlush(rapid.em().create(Contact, { name: '<script>alert(1)</script>', language: '' }))
    const { html } = await c.get('/admin/rapidsms/contact/')
    expect(html).not.toContain('<script>alert(1)</script>')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })
})

describe('what the pages cannot read', () => {
  it('a NUL character in a form field or a query parameter is a 400 naming it, and nothing is stored (PostgreSQL cannot store or compare one)', async () => {
    const c = await loggedIn()
    await c.get('/admin/rapidsms/contact/add/')
    const added = await c.post('/admin/rapidsms/contact/add/', { name: 'a\u0000b', language: '' })
    expect([added.status, added.html]).toEqual([400, '"name": Null characters are not allowed.'])
    expect(await rapid.em().count(Contact, {})).toBe(0)
    const search = await c.get('/admin/rapidsms/contact/?q=%00')
    expect([search.status, search.html]).toEqual([400, '"q": Null characters are not allowed.'])
  })

  it('a form body that is not a valid multipart form is a 400 saying so', async () => {
    const c = await loggedIn()
    await c.get('/admin/rapidsms/contact/add/')
    const response = await c.request('/admin/rapidsms/contact/add/', { method: 'POST', body: 'name=x', headers: { origin: c.origin, 'x-csrftoken': c.token, 'content-type': 'multipart/form-data' } })
    expect([response.status, await response.text()]).toEqual([400, 'The body is not a valid multipart form: its Content-Type has no boundary.'])
    expect(await rapid.em().count(Contact, {})).toBe(0)
  })
})
