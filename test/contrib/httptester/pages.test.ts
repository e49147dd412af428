import { describe, expect, it } from 'vitest'
import { AppBase, BackendMessage, DatabaseBackend, type IncomingMessage } from '../../../src/index.js'
import { HttpTesterApp } from '../../../src/contrib/httptester/index.js'
import { DefaultApp } from '../../../src/contrib/default/index.js'
import { useRapidTest } from '../../../src/testing/index.js'
import { createEdge } from '../../../src/web/index.js'
import { createAdmin, PageClient } from '../../web/support/client.js'

class PingPong extends AppBase {
  override handle(msg: IncomingMessage) {
    if (msg.text !== 'ping') return false
    msg.respond('pong')
    return true
  }
}

const rapid = useRapidTest({ apps: [PingPong, HttpTesterApp, DefaultApp], backends: { message_tester: { engine: DatabaseBackend } } })

async function loggedIn(): Promise<PageClient> {
  await createAdmin(rapid.db)
  const client = new PageClient(createEdge(rapid.router).app)
  await client.login()
  return client
}

/** The log table's rows: [phone with its marker, text], top to bottom. */
function log(html: string): string[][] {
  const body = /<table[^>]*id="tester-log"[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)![1]!
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].slice(1).map((cell) => cell[1]!.replace(/<[^>]+>/g, '')))
}

describe('the Message Tester', () => {
  it('starts with a random six-digit number', async () => {
    const c = await loggedIn()
    const response = await c.request('/httptester/')
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toMatch(/^\/httptester\/[1-9]\d{5}\/$/)
  })

  it('sends ping from 123456 and shows pong above it, as tutorial part 1 does', async () => {
    const c = await loggedIn()
    await c.get('/httptester/123456/')
    const sent = await c.post('/httptester/123456/', { identity: '123456', text: 'ping' })
    expect(sent.status).toBe(302)
    expect(sent.response.headers.get('location')).toBe('/httptester/123456/')
    await c.post('/httptester/123456/', { identity: '123456', text: 'hello' })
    expect(log((await c.get('/httptester/123456/')).html)).toEqual([
      ['123456«', 'Sorry, RapidSMS could not understand your message.'],
      ['123456»', 'hello'],
      ['123456«', 'pong'],
      ['123456»', 'ping'],
    ])
    const rows = await rapid.em().find(BackendMessage, {}, { orderBy: { id: 'asc' } })
    expect(rows.map((r) => [r.name, r.direction, r.identity, r.text])).toEqual([
      ['message_tester', 'I', '123456', 'ping'],
      ['message_tester', 'O', '123456', 'pong'],
      ['message_tester', 'I', '123456', 'hello'],
      ['message_tester', 'O', '123456', 'Sorry, RapidSMS could not understand your message.'],
    ])
  })

  it('sends each line of a text file as a message, in order', async () => {
    const c = await loggedIn()
    await c.get('/httptester/555/')
    await c.post('/httptester/555/', { identity: '555', text: 'ignored', bulk: new File(['ping\r\nhello\nping\n'], 'messages.txt', { type: 'text/plain' }) })
    expect(log((await c.get('/httptester/555/')).html).map(([, text]) => text)).toEqual(['pong', 'ping', 'Sorry, RapidSMS could not understand your message.', 'hello', 'pong', 'ping'])
  })

  it('clears one number, or everything', async () => {
    const c = await loggedIn()
    await c.get('/httptester/1/')
    await c.post('/httptester/1/', { identity: '1', text: 'ping' })
    await c.post('/httptester/2/', { identity: '2', text: 'ping' })
    await c.post('/httptester/1/', { identity: '1', clear: 'on' })
    expect(log((await c.get('/httptester/1/')).html)).toEqual([
      ['2«', 'pong'],
      ['2»', 'ping'],
    ])
    await c.post('/httptester/1/', { identity: '1', 'clear-all': 'on' })
    expect(await rapid.em().count(BackendMessage, {})).toBe(0)
  })

  it('refuses a phone number that is not a number, storing nothing', async () => {
    const c = await loggedIn()
    await c.get('/httptester/1/')
    const { status, html } = await c.post('/httptester/1/', { identity: 'abc', text: 'ping' })
    expect(status).toBe(400)
    expect(html).toContain('Phone number must be all numeric')
    expect(await rapid.em().count(BackendMessage, {})).toBe(0)
  })

  it('pages the log by keyset, 25 a page', async () => {
    const c = await loggedIn()
    await rapid.db.writer.insert(
      BackendMessage,
      Array.from({ length: 30 }, (_, i) => ({ name: 'message_tester', direction: 'I', date: new Date(), messageId: '', externalId: '', identity: '9', text: `m${i}` })),
    )
    const first = await c.get('/httptester/9/')
    expect(log(first.html).map(([, t]) => t)).toEqual(Array.from({ length: 25 }, (_, i) => `m${29 - i}`))
    const next = /href="([^"]+)" rel="next"/.exec(first.html)![1]!.replaceAll('&amp;', '&')
    expect(log((await c.get(next)).html).map(([, t]) => t)).toEqual(['m4', 'm3', 'm2', 'm1', 'm0'])
  })
})
