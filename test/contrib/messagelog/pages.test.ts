import { describe, expect, it } from 'vitest'
import { Contact, DatabaseBackend, genericHttpInbound } from '../../../src/index.js'
import { Message, MessageLogApp } from '../../../src/contrib/messagelog/index.js'
import { useRapidTest } from '../../../src/testing/index.js'
import { createEdge } from '../../../src/web/index.js'
import { createAdmin, PageClient } from '../../web/support/client.js'

const XSS = '<script>alert(1)</script>'
const rapid = useRapidTest({ apps: [MessageLogApp], backends: { http: { engine: DatabaseBackend, inbound: genericHttpInbound } } })

async function loggedIn(): Promise<PageClient> {
  await createAdmin(rapid.db)
  const client = new PageClient(createEdge(rapid.router).app)
  await client.login()
  return client
}

/** Log rows straight into the table: `n` messages a minute apart from `start`, alternating I and O. */
async function seed(n: number, start = Date.UTC(2026, 11, 1, 8, 0)) {
  const [a, b] = await rapid.lookupConnections('http', ['111', '222'])
  const ann = rapid.em().create(Contact, { name: 'Ann', language: '' })
  await rapid.em().persistAndFlush(ann)
  await rapid.em().nativeUpdate('Connection', { id: a!.id }, { contact: ann.id })
  const rows = Array.from({ length: n }, (_, i) => ({
    contact: i % 2 === 0 ? ann.id : null,
    connection: i % 2 === 0 ? a!.id : b!.id,
    direction: i % 3 === 0 ? 'O' : 'I',
    date: new Date(start + i * 60_000),
    text: `message ${i}`,
  }))
  await rapid.db.writer.insert(Message, rows)
}

const texts = (html: string) => [...html.matchAll(/<span class="msg-text">([^<]*)<\/span>/g)].map((m) => m[1])

describe('the Message Log page', () => {
  it('shows the newest first, 50 a page, and pages by keyset both ways', async () => {
    await seed(120)
    const c = await loggedIn()
    const first = await c.get('/messagelog/')
    expect(first.status).toBe(200)
    expect(texts(first.html)).toEqual(Array.from({ length: 50 }, (_, i) => `message ${119 - i}`))
    expect(first.html).not.toContain('rel="prev"')
    const next = /href="([^"]+)" rel="next"/.exec(first.html)![1]!.replaceAll('&amp;', '&')
    const second = await c.get(next)
    expect(texts(second.html)[0]).toBe('message 69')
    const third = await c.get(/href="([^"]+)" rel="next"/.exec(second.html)![1]!.replaceAll('&amp;', '&'))
    expect(texts(third.html)).toEqual(Array.from({ length: 20 }, (_, i) => `message ${19 - i}`))
    expect(third.html).not.toContain('rel="next"')
    const back = await c.get(/href="([^"]+)" rel="prev"/.exec(third.html)![1]!.replaceAll('&amp;', '&'))
    expect(texts(back.html)).toEqual(texts(second.html))
  })

  it('filters by direction, contact, identity, text and dates, together', async () => {
    await seed(30)
    const c = await loggedIn()
    expect(texts((await c.get('/messagelog/?identity=222')).html)).toEqual(Array.from({ length: 15 }, (_, i) => `message ${29 - 2 * i}`))
    expect(texts((await c.get('/messagelog/?contact=an&direction=O')).html)).toEqual(['message 24', 'message 18', 'message 12', 'message 6', 'message 0'])
    expect(texts((await c.get('/messagelog/?text=SAGE 2')).html)).toEqual(['message 29', 'message 28', 'message 27', 'message 26', 'message 25', 'message 24', 'message 23', 'message 22', 'message 21', 'message 20', 'message 2'])
    expect(texts((await c.get('/messagelog/?from=2026-12-02')).html)).toEqual([])
    expect(texts((await c.get('/messagelog/?from=2026-12-01&to=2026-12-01&identity=111&text=1')).html)).toEqual(['message 18', 'message 16', 'message 14', 'message 12', 'message 10'])
    expect(texts((await c.get('/messagelog/?identity=999')).html)).toEqual([])
    const bad = await c.get('/messagelog/?from=2026-02-30')
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('Enter a valid date.')
  })

  it('exports the filtered rows as CSV, quoted as needed, formulas defused', async () => {
    const [conn] = await rapid.lookupConnections('http', ['555'])
    await rapid.db.writer.insert(Message, [
      { contact: null, connection: conn!.id, direction: 'I', date: new Date('2026-12-01T10:00:00Z'), text: 'hello, "world"' },
      { contact: null, connection: conn!.id, direction: 'O', date: new Date('2026-12-01T10:01:00Z'), text: '=HYPERLINK("x")' },
      { contact: null, connection: conn!.id, direction: 'O', date: new Date('2026-12-01T10:02:00Z'), text: 'other' },
    ])
    const c = await loggedIn()
    const response = await c.request('/messagelog/export.csv?text=l')
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="messagelog-\d{8}\.csv"$/)
    expect(await response.text()).toBe(
      ['date,direction,contact,backend,identity,text', `2026-12-01T10:01:00.000Z,O,,http,555,"'=HYPERLINK(""x"")"`, '2026-12-01T10:00:00.000Z,I,,http,555,"hello, ""world"""', ''].join('\r\n'),
    )
  })

  it('shows a text and a contact name that look like HTML as text', async () => {
    const [conn] = await rapid.lookupConnections('http', ['777'])
    const contact = rapid.em().create(Contact, { name: XSS, language: '' })
    await rapid.em().persistAndFlush(contact)
    await rapid.db.writer.insert(Message, [{ contact: contact.id, connection: conn!.id, direction: 'I', date: new Date(), text: XSS }])
    const c = await loggedIn()
    const { html } = await c.get('/messagelog/')
    expect(html).not.toContain(XSS)
    expect(html.split('&lt;script&gt;alert(1)&lt;/script&gt;').length - 1).toBe(2)
  })
})
