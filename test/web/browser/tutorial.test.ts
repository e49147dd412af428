import { describe, expect, it } from 'vitest'
import tutorial from '../../../examples/tutorial/rapidsms.config.js'
import { Choice } from '../../../examples/tutorial/voting/models.js'
import { foreignRequests, reviewPage, useBrowser } from './support.js'

// The tutorial project as docs/tutorial.md builds it, its choices added in the admin.
const harness = useBrowser({ ...tutorial, fixtures: undefined })

/** The Message Tester's log, top (newest) first: "phone»" or "phone«" and the text. */
async function testerLog(page: import('playwright-core').Page): Promise<string[]> {
  return page.locator('#tester-log tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].slice(1).map((td) => td.textContent).join(' ')))
}

async function send(page: import('playwright-core').Page, text: string): Promise<void> {
  await page.getByLabel('Single Message').fill(text)
  await Promise.all([page.waitForLoadState('load'), page.waitForURL(/\/httptester\/123456\/$/), page.getByRole('button', { name: 'Send' }).click()])
}

describe('the tutorial in a browser', () => {
  it('a page without login goes to the login page, and back after it', async () => {
    const page = await (await harness.context()).newPage()
    await page.goto(`${harness.edge.url}/httptester/`)
    expect(new URL(page.url()).pathname).toBe('/accounts/login/')
    expect(new URL(page.url()).searchParams.get('next')).toBe('/httptester/')
    await reviewPage(page, 'login')
    await page.getByLabel('Username').fill('admin')
    await page.getByLabel('Password').fill('a long secret 1')
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL(/\/httptester\/\d{6}\/$/)
    await page.context().close()
  }, 60_000)

  it('part 1: ping in the Message Tester, pong above it', async () => {
    const page = await harness.loggedIn()
    await reviewPage(page, 'dashboard')
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Message Tester' }).click()
    await page.getByRole('textbox', { name: /^Phone Number/ }).fill('123456')
    await page.getByLabel('Single Message').fill('ping')
    await Promise.all([page.waitForURL(/\/httptester\/123456\/$/), page.getByRole('button', { name: 'Send' }).click()])
    expect(await testerLog(page)).toEqual(['123456« pong', '123456» ping'])
    await reviewPage(page, 'message-tester')
    await page.context().close()
  }, 60_000)

  it('part 3: a choice added in the admin, VOTE for it in the tester, RESULTS shows it', async () => {
    const page = await harness.loggedIn()
    await page.goto(`${harness.edge.url}/admin/voting/choice/`)
    await reviewPage(page, 'admin-choices')
    await page.getByRole('link', { name: 'Add choice' }).click()
    await page.getByLabel('Name').fill('Moe')
    await reviewPage(page, 'admin-choice-add')
    await Promise.all([page.waitForURL(/\/admin\/voting\/choice\/$/), page.getByRole('button', { name: 'Save' }).click()])
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('The choice “Moe” was added successfully.')
    expect(await harness.host.db.orm.em.fork().count(Choice, { name: 'Moe' })).toBe(1)

    await page.goto(`${harness.edge.url}/httptester/123456/`)
    await page.getByRole('textbox', { name: /^Phone Number/ }).fill('123456')
    await send(page, 'RESULTS')
    await send(page, 'VOTE Moe')
    await send(page, 'RESULTS')
    expect((await testerLog(page)).slice(0, 6)).toEqual(['123456« Moe: 1', '123456» RESULTS', '123456« Your vote for Moe has been counted', '123456» VOTE Moe', '123456« Moe: 0', '123456» RESULTS'])
    await page.context().close()
  }, 90_000)

  it('a form without its CSRF token is refused', async () => {
    const page = await harness.loggedIn()
    await page.goto(`${harness.edge.url}/admin/voting/choice/add/`)
    await page.getByLabel('Name').fill('Larry')
    await page.locator('main form input[name="csrfmiddlewaretoken"]').evaluate((input) => input.remove())
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Save' }).click()])
    expect(response.status()).toBe(403)
    await expect.poll(() => page.textContent('body')).toContain('CSRF verification failed. Request aborted.')
    expect(await harness.host.db.orm.em.fork().count(Choice, { name: 'Larry' })).toBe(0)
    await page.context().close()
  }, 60_000)

  it('every request the pages made went to the edge itself', () => {
    expect(harness.requests.length).toBeGreaterThan(20)
    expect(foreignRequests(harness)).toEqual([])
  })
})
