import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import demo from '../../../config/demo.config.js'
import { BackendMessage, Connection, Contact, KannelBackend } from '../../../src/index.js'
import { foreignRequests, reviewPage, useBrowser } from './support.js'

const XSS = '<script>alert(1)</script>'
// The demo project, with a Kannel backend for the delivery reports page.
const harness = useBrowser({ ...demo, backends: { ...demo.backends, kannel: { engine: KannelBackend, sendsms_url: 'http://127.0.0.1:9/cgi-bin/sendsms' } } })
const em = () => harness.host.db.orm.em.fork()

/** Fail the test if a page ever runs a script it was sent as text. */
function noDialogs(page: Page): string[] {
  const dialogs: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  return dialogs
}

async function bulkUpload(page: Page, csv: string): Promise<void> {
  await page.goto(`${harness.edge.url}/registration/bulk/`)
  await page.getByLabel('Upload CSV file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Check and add' }).click()])
}

describe('the pages in a browser', () => {
  it('registers contacts from a CSV with a bad line: nothing stored, the error shown, the good lines added once confirmed', async () => {
    const page = await harness.loggedIn()
    await page.goto(`${harness.edge.url}/registration/bulk/`)
    await reviewPage(page, 'registration-bulk')
    await bulkUpload(page, 'Ann, message_tester, 254700000001\nBob, nowhere, 254700000002\nCarl, message_tester, 254700000003\n')
    await expect.poll(() => page.locator('#bulk-errors-table tbody tr').allTextContents()).toEqual(['2Bob, nowhere, 254700000002There is no backend named "nowhere".'])
    expect(await em().count(Contact, {})).toBe(0)
    await reviewPage(page, 'registration-bulk-errors')
    await Promise.all([page.waitForURL(/\/registration\/$/), page.getByRole('button', { name: 'Add the 2 good lines anyway' }).click()])
    expect(await page.locator('#contacts tbody tr td:first-child').allTextContents()).toEqual(['Carl', 'Ann'])
    await reviewPage(page, 'registration')
    await page.getByRole('link', { name: 'Ann', exact: true }).click()
    await reviewPage(page, 'registration-edit')
    await page.context().close()
  }, 90_000)

  it('sends from Messaging to two contacts picked with autocomplete; the database backend has both rows', async () => {
    const page = await harness.loggedIn()
    await bulkUpload(page, 'Dora, message_tester, 254711000001\nDoug, message_tester, 254711000002\n')
    await page.goto(`${harness.edge.url}/messaging/`)
    const search = page.getByRole('combobox', { name: 'Recipients' })
    for (const name of ['Dora', 'Doug']) {
      await search.fill(name.slice(0, 3))
      await page.getByRole('option', { name: new RegExp(`^${name} \\(message_tester`) }).click()
    }
    expect(await page.locator('#chosen-recipients li').allTextContents()).toEqual(['Dora (message_tester: 254711000001)', 'Doug (message_tester: 254711000002)'])
    const text = page.getByRole('textbox', { name: /^Message/ })
    await text.fill('x'.repeat(161))
    await expect.poll(() => page.locator('#segment-counter').textContent()).toBe('161 characters · 2 SMS (GSM-7) · 145 left in this SMS')
    await text.fill('Clinic closed today ç')
    await expect.poll(() => page.locator('#segment-counter').textContent()).toBe('21 characters · 1 SMS (UCS-2) · 49 left in this SMS')
    await reviewPage(page, 'messaging')
    await Promise.all([page.waitForURL(/\/messaging\/$/), page.getByRole('button', { name: 'Send' }).click()])
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Sent to 2 recipients: Dora, Doug.')
    const rows = await em().find(BackendMessage, { text: 'Clinic closed today ç' }, { orderBy: { id: 'asc' } })
    expect(rows.map((r) => [r.name, r.direction, r.identity])).toEqual([
      ['message_tester', 'O', '254711000001'],
      ['message_tester', 'O', '254711000002'],
    ])
    await page.context().close()
  }, 90_000)

  it(`shows ${XSS} as text everywhere: a message text and a contact name`, async () => {
    const page = await harness.loggedIn()
    const dialogs = noDialogs(page)
    await page.goto(`${harness.edge.url}/registration/add/`)
    await page.getByRole('textbox', { name: 'Name' }).fill(XSS)
    await page.getByRole('combobox', { name: 'New connection: backend' }).selectOption('message_tester')
    await page.getByRole('textbox', { name: 'New connection: identity' }).fill('999000')
    await Promise.all([page.waitForURL(/\/registration\/$/), page.getByRole('button', { name: 'Save' }).click()])
    await page.goto(`${harness.edge.url}/httptester/999000/`)
    await page.getByLabel('Single Message').fill(XSS)
    await Promise.all([page.waitForURL(/\/httptester\/999000\/$/), page.getByRole('button', { name: 'Send' }).click()])
    expect(await page.locator('#tester-log tbody tr', { hasText: '999000»' }).first().locator('td').last().textContent()).toBe(XSS)

    const checks: [string, string][] = [
      ['/messagelog/?identity=999000', 'main table'],
      ['/registration/', '#contacts'],
      ['/admin/rapidsms/contact/', 'main table'],
      ['/admin/messagelog/message/', 'main table'],
    ]
    for (const [path, where] of checks) {
      await page.goto(`${harness.edge.url}${path}`)
      expect(await page.locator(where).textContent(), path).toContain(XSS)
      expect(await page.locator(`${where} script`).count(), path).toBe(0)
    }
    await page.goto(`${harness.edge.url}/messaging/`)
    await page.getByRole('combobox', { name: 'Recipients' }).fill('<scr')
    await expect.poll(() => page.getByRole('option').first().textContent()).toBe(`${XSS} (message_tester: 999000)`)
    expect(await page.locator('#recipients-options script').count()).toBe(0)
    expect(dialogs).toEqual([])
    await page.context().close()
  }, 90_000)

  it('the Message Log, the dashboard, the delivery reports and the admin pass axe at both widths', async () => {
    const report = new URLSearchParams({ message_id: '42', status: '1', status_text: '', smsc: 'FAKE', sms_id: 'b44f4cfb', date_sent: '2026-11-27 10:59:25', identity: '123' })
    expect((await fetch(`${harness.edge.url}/kannel/delivery-report/?${report}`)).status).toBe(200)
    const page = await harness.loggedIn()
    await reviewPage(page, 'dashboard-demo')
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Message Log' }).click()
    await reviewPage(page, 'messagelog')
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Delivery reports' }).click()
    expect(await page.locator('main table tbody tr').first().textContent()).toContain('42')
    await reviewPage(page, 'delivery-reports')
    await page.goto(`${harness.edge.url}/admin/`)
    await reviewPage(page, 'admin')
    await page.goto(`${harness.edge.url}/admin/rapidsms/connection/add/`)
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Save' }).click()])
    expect(await page.locator('.invalid-feedback').first().textContent()).toBe('This field is required.')
    await reviewPage(page, 'admin-errors')
    expect(await em().count(Connection, { identity: '' })).toBe(0)
    await page.context().close()
  }, 90_000)

  it('every request the pages made went to the edge itself', () => {
    expect(harness.requests.length).toBeGreaterThan(30)
    expect(foreignRequests(harness)).toEqual([])
  })
})
