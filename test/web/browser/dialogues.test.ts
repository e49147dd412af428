import { describe, expect, it } from 'vitest'
import demo from '../../../config/demo.config.js'
import { Connection, Contact } from '../../../src/index.js'
import { DialogueSession } from '../../../src/contrib/dialogues/index.js'
import { foreignRequests, reviewPage, useBrowser } from './support.js'

const harness = useBrowser(demo)
const em = () => harness.host.db.orm.em.fork()

async function contact(name: string, identity: string): Promise<void> {
  const row = em().create(Contact, { name, language: '' })
  await em().persistAndFlush(row)
  const [conn] = await harness.host.lookupConnections('message_tester', [identity])
  await em().nativeUpdate(Connection, { id: conn!.id }, { contact: row.id })
}

describe('the Dialogues pages in a browser', () => {
  it('start the survey for two contacts, follow one session’s answers and steps, end it', async () => {
    await contact('Zawadi', '254722000001')
    await contact('Zuberi', '254722000002')
    const page = await harness.loggedIn()
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dialogues' }).click()
    await page.getByRole('link', { name: 'Start a dialogue' }).click()
    await page.getByRole('combobox', { name: 'Dialogue' }).selectOption('survey')
    const search = page.getByRole('combobox', { name: 'Contacts' })
    for (const name of ['Zawadi', 'Zuberi']) {
      await search.fill(name.slice(0, 3))
      await page.getByRole('option', { name: new RegExp(`^${name} `) }).click()
    }
    await reviewPage(page, 'dialogues-start')
    await Promise.all([page.waitForURL(/\/dialogues\/\?dialogue=survey$/), page.getByRole('button', { name: 'Start' }).click()])
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('survey: started 2, to start after quiet hours 0, left alone (already in a session) 0.')
    expect(await page.getByRole('link', { name: 'active sessions of survey' }).textContent()).toBe('2')
    await reviewPage(page, 'dialogues')

    // Zawadi answers in the Message Tester.
    await page.goto(`${harness.edge.url}/httptester/254722000001/`)
    for (const answer of ['Zawadi', '31']) {
      await page.getByLabel('Single Message').fill(answer)
      await Promise.all([page.waitForURL(/\/httptester\/254722000001\/$/), page.getByRole('button', { name: 'Send' }).click()])
    }
    expect(await page.locator('#tester-log tbody tr').first().locator('td').last().textContent()).toBe('Are you male or female? Send M or F.')

    const session = await em().findOneOrFail(DialogueSession, { status: 'active', connection: { identity: '254722000001' } })
    await page.goto(`${harness.edge.url}/dialogues/`)
    await page.locator('#sessions tbody tr', { hasText: 'Zawadi' }).getByRole('link').click()
    await page.waitForURL(new RegExp(`/dialogues/${session.id}/$`))
    expect(await page.locator('#answers tbody tr').allTextContents()).toEqual(['age31', 'nameZawadi'])
    expect(await page.locator('#steps tbody tr').count()).toBe(3)
    await reviewPage(page, 'dialogue-session')
    await Promise.all([page.waitForURL(new RegExp(`/dialogues/${session.id}/$`)), page.getByRole('button', { name: 'End this session' }).click()])
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Ended the session (interrupted).')
    expect((await em().findOneOrFail(DialogueSession, { id: session.id })).status).toBe('interrupted')
    await page.context().close()
  }, 120_000)

  it('every request the pages made went to the edge itself', () => {
    expect(foreignRequests(harness)).toEqual([])
  })
})
