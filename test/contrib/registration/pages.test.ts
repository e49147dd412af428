import { describe, expect, it } from 'vitest'
import { Connection, Contact, DatabaseBackend } from '../../../src/index.js'
import { RegistrationApp } from '../../../src/contrib/registration/index.js'
import { useRapidTest } from '../../../src/testing/index.js'
import { createEdge } from '../../../src/web/index.js'
import { createAdmin, PageClient } from '../../web/support/client.js'

const rapid = useRapidTest({ apps: [RegistrationApp], backends: { message_tester: { engine: DatabaseBackend }, kannel: { engine: DatabaseBackend } } })

async function loggedIn(): Promise<PageClient> {
  await createAdmin(rapid.db)
  const client = new PageClient(createEdge(rapid.router).app)
  await client.login()
  return client
}

async function people(): Promise<string[]> {
  const connections = await rapid.em().find(Connection, {}, { populate: ['backend', 'contact'], orderBy: { id: 'asc' } })
  return connections.map((c) => `${c.contact?.name ?? '-'} ${c.backend.name}:${c.identity}`)
}

const csv = (text: string) => new File([text], 'contacts.csv', { type: 'text/csv' })

describe('the Registration pages', () => {
  it('adds a contact with a connection, then edits it: a second connection, the first deleted', async () => {
    const c = await loggedIn()
    await c.get('/registration/add/')
    const added = await c.post('/registration/add/', { name: 'Ann', language: 'fr', 'conn-new-backend': 'message_tester', 'conn-new-identity': '111' })
    expect(added.response.headers.get('location')).toBe('/registration/')
    expect((await c.get('/registration/')).html).toContain('Added contact Ann.')
    expect(await people()).toEqual(['Ann message_tester:111'])
    const ann = await rapid.em().findOneOrFail(Contact, { name: 'Ann' })
    expect(ann.language).toBe('fr')
    const [first] = await rapid.em().find(Connection, {})
    const form = await c.get(`/registration/${ann.id}/edit/`)
    expect(form.html).toContain('value="111"')
    await c.post(`/registration/${ann.id}/edit/`, { name: 'Ann B', language: '', 'conn-0-id': String(first!.id), 'conn-0-backend': 'message_tester', 'conn-0-identity': '111', 'conn-0-delete': 'on', 'conn-new-backend': 'kannel', 'conn-new-identity': '222' })
    expect(await people()).toEqual(['Ann B kannel:222'])
  })

  it('links a phone that texted in (a connection without a contact); refuses one that is someone else’s', async () => {
    const [phone] = await rapid.lookupConnections('message_tester', ['333'])
    const c = await loggedIn()
    await c.get('/registration/add/')
    await c.post('/registration/add/', { name: 'Bob', language: '', 'conn-new-backend': 'message_tester', 'conn-new-identity': '333' })
    expect(await people()).toEqual(['Bob message_tester:333'])
    expect((await rapid.em().findOneOrFail(Connection, { id: phone!.id }, { populate: ['contact'] })).contact?.name).toBe('Bob')
    const taken = await c.post('/registration/add/', { name: 'Carl', language: '', 'conn-new-backend': 'message_tester', 'conn-new-identity': '333' })
    expect(taken.status).toBe(400)
    expect(taken.html).toContain('Connection with this Backend and Identity already exists (contact Bob).')
    expect(await rapid.em().count(Contact, {})).toBe(1)
  })

  it('deletes a contact; its connections stay, without it', async () => {
    const c = await loggedIn()
    await c.get('/registration/add/')
    await c.post('/registration/add/', { name: 'Dan', language: '', 'conn-new-backend': 'message_tester', 'conn-new-identity': '444' })
    const dan = await rapid.em().findOneOrFail(Contact, { name: 'Dan' })
    await c.get(`/registration/${dan.id}/edit/`)
    await c.post(`/registration/${dan.id}/delete/`, {})
    expect(await rapid.em().count(Contact, {})).toBe(0)
    expect(await people()).toEqual(['- message_tester:444'])
  })

  it('lists contacts newest first and searches names and identities', async () => {
    const c = await loggedIn()
    await c.get('/registration/bulk/')
    await c.post('/registration/bulk/', { bulk: csv('Ann, message_tester, 254700000001\nBob, message_tester, 254700000002\nAnnette, kannel, 999\n') })
    const names = (html: string) => [...html.matchAll(/<a href="\/registration\/\d+\/edit\/">([^<]*)<\/a>/g)].map((m) => m[1])
    expect(names((await c.get('/registration/')).html)).toEqual(['Annette', 'Bob', 'Ann'])
    expect(names((await c.get('/registration/?q=ann')).html)).toEqual(['Annette', 'Ann'])
    expect(names((await c.get('/registration/?q=2547')).html)).toEqual(['Bob', 'Ann'])
  })

  it('bulk adds a good file in one go, a header line and quoted names allowed', async () => {
    const c = await loggedIn()
    await c.get('/registration/bulk/')
    const { response } = await c.post('/registration/bulk/', { bulk: csv('\ufeffname,backend,identity\r\n"Soares, Maria", message_tester, +6707999999\r\nJoão, kannel, 12\r\n') })
    expect(response.headers.get('location')).toBe('/registration/')
    expect(await people()).toEqual(['Soares, Maria message_tester:+6707999999', 'João kannel:12'])
  })

  it('a file with bad lines stores nothing, lists each error by line, and adds the good lines once confirmed', async () => {
    await rapid.lookupConnections('kannel', ['777'])
    const [owned] = await rapid.lookupConnections('kannel', ['888'])
    const eve = rapid.em().create(Contact, { name: 'Eve', language: '' })
    await rapid.em().persistAndFlush(eve)
    await rapid.em().nativeUpdate(Connection, { id: owned!.id }, { contact: eve.id })
    const c = await loggedIn()
    await c.get('/registration/bulk/')
    const file = ['Ann, message_tester, 1', 'Bob, message_tester', 'Carl, nowhere, 3', 'Dan, message_tester, 1', 'Fay, kannel, 888', ', message_tester, 5', 'Gus, kannel, 6', 'bad "quote, kannel, 7'].join('\n')
    const { status, html } = await c.post('/registration/bulk/', { bulk: csv(file) })
    expect(status).toBe(400)
    expect(await rapid.em().count(Contact, {})).toBe(1)
    const rows = [...html.matchAll(/<tr><td[^>]*>(\d+)<\/td><td[^>]*>(?:<span[^>]*>)?([^<]*)(?:<\/span>)?<\/td><td[^>]*>([^<]*)<\/td><\/tr>/g)].map((m) => [Number(m[1]), m[3]])
    expect(rows).toEqual([
      [2, 'Expected 3 columns (name, backend, identity), found 2.'],
      [3, 'There is no backend named &quot;nowhere&quot;.'],
      [4, 'message_tester: 1 is already on line 1.'],
      [5, 'kannel: 888 is already a connection (of Eve).'],
      [6, 'The name is empty.'],
      [8, expect.stringMatching(/^Could not read this line as CSV: Invalid Opening Quote/)],
    ])
    expect(html).toContain('Add the 2 good lines anyway')
    const good = /name="rows" value="([^"]+)"/.exec(html)![1]!.replaceAll('&quot;', '"')
    await c.post('/registration/bulk/confirm/', { rows: good })
    expect(await people()).toEqual(['- kannel:777', 'Eve kannel:888', 'Ann message_tester:1', 'Gus kannel:6'])
  })

  it('shows a name that looks like HTML as text', async () => {
    const c = await loggedIn()
    await c.get('/registration/bulk/')
    await c.post('/registration/bulk/', { bulk: csv('<script>alert(1)</script>, message_tester, 1\n') })
    const { html } = await c.get('/registration/')
    expect(html).not.toContain('<script>alert(1)</script>')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })
})
