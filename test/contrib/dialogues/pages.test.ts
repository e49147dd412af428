import { describe, expect, it } from 'vitest'
import { BackendMessage, Connection, Contact, DatabaseBackend } from '../../../src/index.js'
import { DialogueApp, DialogueSession } from '../../../src/contrib/dialogues/index.js'
import { HandlersApp } from '../../../src/contrib/handlers/index.js'
import { DefaultApp } from '../../../src/contrib/default/index.js'
import { useRapidTest } from '../../../src/testing/index.js'
import { createEdge } from '../../../src/web/index.js'
import { migrations } from '../../../examples/dialogues/migrations/index.js'
import { SurveyResponse } from '../../../examples/dialogues/models.js'
import { survey } from '../../../examples/dialogues/survey.js'
import { createAdmin, PageClient } from '../../web/support/client.js'

const rapid = useRapidTest({
  settings: { dialogues: [survey], entities: [SurveyResponse], migrations },
  apps: [DialogueApp, HandlersApp, DefaultApp],
  backends: { message_tester: { engine: DatabaseBackend } },
})

async function loggedIn(): Promise<PageClient> {
  await createAdmin(rapid.db)
  const client = new PageClient(createEdge(rapid.router).app)
  await client.login()
  return client
}

async function contact(name: string, identity: string): Promise<Contact> {
  const row = rapid.em().create(Contact, { name, language: '' })
  await rapid.em().persistAndFlush(row)
  const [conn] = await rapid.lookupConnections('message_tester', [identity])
  await rapid.em().nativeUpdate(Connection, { id: conn!.id }, { contact: row.id })
  return row
}

const texts = async (identity: string) => (await rapid.em().find(BackendMessage, { identity }, { orderBy: { id: 'asc' } })).map((r) => r.text)

describe('the Dialogues pages', () => {
  it('start the survey for chosen contacts; a contact already in a session is left alone', async () => {
    const ann = await contact('Ann', '111')
    const bob = await contact('Bob', '222')
    const c = await loggedIn()
    await c.get('/dialogues/start/')
    const first = await c.post('/dialogues/start/', { dialogue: 'survey', recipients: [String(ann.id), String(bob.id)] })
    expect(first.response.headers.get('location')).toBe('/dialogues/?dialogue=survey')
    expect(await texts('111')).toEqual(['Welcome to the health survey. What is your name?'])
    expect(await texts('222')).toEqual(['Welcome to the health survey. What is your name?'])
    await c.post('/dialogues/start/', { dialogue: 'survey', recipients: [String(ann.id)] })
    const list = await c.get('/dialogues/?dialogue=survey')
    expect(list.html).toContain('survey: started 0, to start after quiet hours 0, left alone (already in a session) 1.')
    expect(list.html).toMatch(/aria-label="active sessions of survey">2</)
    expect(await texts('111')).toHaveLength(1)
  })

  it('shows one session’s answers and steps, and ends it', async () => {
    const ann = await contact('Ann', '111')
    const c = await loggedIn()
    await c.get('/dialogues/start/')
    await c.post('/dialogues/start/', { dialogue: 'survey', recipients: [String(ann.id)] })
    const [connection] = await rapid.lookupConnections('message_tester', ['111'])
    await rapid.receive('<b>Ann</b>', connection!)
    await rapid.receive('34', connection!)
    const session = await rapid.em().findOneOrFail(DialogueSession, { status: 'active' })
    const page = await c.get(`/dialogues/${session.id}/`)
    expect(page.status).toBe(200)
    const answers = [...page.html.matchAll(/<tr><td[^>]*>([^<]*)<\/td><td[^>]*><span class="msg-text">([^<]*)<\/span><\/td><\/tr>/g)].map((m) => [m[1], m[2]])
    expect(answers).toEqual([
      ['age', '34'],
      ['name', '&lt;b&gt;Ann&lt;/b&gt;'],
    ])
    expect(page.html).toContain('name.waiting')
    expect(page.html).toContain('“34”')
    expect(page.html).toContain('Are you male or female? Send M or F.')
    await c.post(`/dialogues/${session.id}/end/`, {})
    expect((await rapid.em().findOneOrFail(DialogueSession, { id: session.id })).status).toBe('interrupted')
    expect((await texts('111')).at(-1)).toBe('You have left the survey. Send SURVEY to start again.')
    const after = await c.get(`/dialogues/${session.id}/`)
    expect(after.html).toContain('Ended the session (interrupted).')
    expect(after.html).not.toContain('End this session')
  })

  it('needs a dialogue and a contact', async () => {
    const c = await loggedIn()
    await c.get('/dialogues/start/')
    const { status, html } = await c.post('/dialogues/start/', { dialogue: 'nope' })
    expect(status).toBe(400)
    expect(html).toContain('Select a dialogue.')
    expect(html).toContain('Choose at least one contact.')
  })
})
