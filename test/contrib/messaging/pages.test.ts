import { describe, expect, it } from 'vitest'
import { BackendBase, BackendMessage, BackendSendError, Connection, Contact, DatabaseBackend } from '../../../src/index.js'
import { MessagingApp } from '../../../src/contrib/messaging/index.js'
import { useRapidTest } from '../../../src/testing/index.js'
import { loggedInClient } from '../../web/support/client.js'

/** A gateway that refuses every message, for good. */
class Refusing extends BackendBase {
  override async send(): Promise<void> {
    throw new BackendSendError(this.name, 'the gateway said no', { retryable: false })
  }
}

const rapid = useRapidTest({ apps: [MessagingApp], backends: { message_tester: { engine: DatabaseBackend }, refusing: { engine: Refusing } } })

const loggedIn = () => loggedInClient(rapid)

async function contact(name: string, backend?: string, identity?: string): Promise<Contact> {
  const em = rapid.em()
  const row = em.create(Contact, { name, language: '' })
  await em.persistAndFlush(row)
  if (backend) {
    const [conn] = await rapid.lookupConnections(backend, [identity!])
    await rapid.em().nativeUpdate(Connection, { id: conn!.id }, { contact: row.id })
  }
  return row
}

describe('the Messaging page', () => {
  it('sends to two contacts on their default connections: the database backend’s rows', async () => {
    const ann = await contact('Ann', 'message_tester', '111')
    const bob = await contact('Bob', 'message_tester', '222')
    const c = await loggedIn()
    await c.get('/messaging/')
    const { response } = await c.post('/messaging/', { text: 'Clinic closed today', recipients: [String(ann.id), String(bob.id)] })
    expect(response.headers.get('location')).toBe('/messaging/')
    const rows = await rapid.em().find(BackendMessage, {}, { orderBy: { id: 'asc' } })
    expect(rows.map((r) => [r.name, r.direction, r.identity, r.text])).toEqual([
      ['message_tester', 'O', '111', 'Clinic closed today'],
      ['message_tester', 'O', '222', 'Clinic closed today'],
    ])
    expect((await c.get('/messaging/')).html).toContain('Sent to 2 recipients: Ann, Bob.')
  })

  it('shows each recipient’s error and still sends to the others', async () => {
    const ann = await contact('Ann', 'message_tester', '111')
    const lone = await contact('Lone')
    const far = await contact('Far', 'refusing', '999')
    const c = await loggedIn()
    await c.get('/messaging/')
    await c.post('/messaging/', { text: 'hi', recipients: [String(lone.id), String(far.id), String(ann.id)] })
    const { html } = await c.get('/messaging/')
    expect(html).toContain('Sent to 1 recipient: Ann.')
    expect(html).toContain('Not sent to 2: Lone (No connection to send to.); Far (refusing: the gateway said no)')
    expect((await rapid.em().find(BackendMessage, {})).map((r) => r.identity)).toEqual(['111'])
  })

  it('a form sent twice sends once; the same form with another text or other recipients sends again', async () => {
    const ann = await contact('Ann', 'message_tester', '111')
    const bob = await contact('Bob', 'message_tester', '222')
    const c = await loggedIn()
    const { html } = await c.get('/messaging/')
    const sendKey = html.match(/name="send_key" value="([0-9a-f]{32})"/)![1]!
    const post = (text: string, recipients: number[]) => c.post('/messaging/', { send_key: sendKey, text, recipients: recipients.map(String) })
    await post('Clinic closed today', [ann.id])
    await post('Clinic closed today', [ann.id])
    expect((await c.get('/messaging/')).html).toContain('Sent to 1 recipient: Ann.')
    await post('Clinic closed tomorrow', [ann.id])
    await post('Clinic closed today', [ann.id, bob.id])
    const rows = await rapid.em().find(BackendMessage, {}, { orderBy: { id: 'asc' } })
    expect(rows.map((r) => [r.identity, r.text])).toEqual([
      ['111', 'Clinic closed today'],
      ['111', 'Clinic closed tomorrow'],
      ['111', 'Clinic closed today'],
      ['222', 'Clinic closed today'],
    ])
  })

  it('lists the first 20 names, then how many more', async () => {
    const people = []
    for (let i = 0; i < 23; i++) people.push(await contact(`P${String(i).padStart(2, '0')}`, 'message_tester', String(5000 + i)))
    const c = await loggedIn()
    await c.get('/messaging/')
    await c.post('/messaging/', { text: 'hi all', recipients: people.map((p) => String(p.id)) })
    const names = people.slice(0, 20).map((p) => p.name).join(', ')
    expect((await c.get('/messaging/')).html).toContain(`Sent to 23 recipients: ${names}, and 3 more.`)
    expect((await rapid.em().find(BackendMessage, {})).length).toBe(23)
  })

  it('needs a text and a recipient', async () => {
    const c = await loggedIn()
    await c.get('/messaging/')
    const { status, html } = await c.post('/messaging/', { text: '  ' })
    expect(status).toBe(400)
    expect(html).toContain('This field is required.')
    expect(html).toContain('Choose at least one recipient.')
  })

  it('autocompletes contacts by name prefix (any case) or identity prefix, each with its default connection', async () => {
    await contact('Annette', 'message_tester', '254700000001')
    await contact('ann', 'message_tester', '254700000002')
    await contact('Bob', 'message_tester', '254711111111')
    await contact('Joanna')
    const c = await loggedIn()
    const json = async (q: string) => ((await (await c.request(`/contacts/search.json?q=${encodeURIComponent(q)}`)).json()) as { name: string; label: string }[]).map((r) => r.label)
    expect(await json('ANN')).toEqual(['ann (message_tester: 254700000002)', 'Annette (message_tester: 254700000001)'])
    expect(await json('2547000')).toEqual(['Annette (message_tester: 254700000001)', 'ann (message_tester: 254700000002)'])
    expect(await json('jo')).toEqual(['Joanna (no connection)'])
    expect(await json('%')).toEqual([])
    expect(await json('')).toEqual([])
  })

  it('counts characters and SMS on the server as the page script does', async () => {
    const c = await loggedIn()
    await c.get('/messaging/')
    const { html } = await c.post('/messaging/', { text: 'x'.repeat(161) })
    expect(html).toContain('161 characters · 2 SMS (GSM-7) · 145 left in this SMS')
  })
})
