import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import AxeBuilder from '@axe-core/playwright'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect } from 'vitest'
import { Host, type UserSettings } from '../../../src/index.js'
import { scratchDatabase, type ScratchDatabase } from '../../../src/testing/index.js'
import { startEdge, type EdgeServer } from '../../../src/web/index.js'
import { ADMIN, createAdmin } from '../support/client.js'

/** Debian's Chromium with the flags that keep it off the network (STACK.md). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

/** Where the tests leave their screenshots (git-ignored), for a reviewer to look at. */
export const SCREENSHOTS = fileURLToPath(new URL('../../../screenshots/', import.meta.url))

export const DESKTOP = { width: 1280, height: 900 }
export const PHONE = { width: 375, height: 812 }

export interface BrowserHarness {
  readonly host: Host
  readonly edge: EdgeServer
  readonly browser: Browser
  /** Every URL a page of this file asked for. */
  readonly requests: string[]
  /** A new browser context (its own cookies) that records its requests. */
  context(viewport?: { width: number; height: number }): Promise<BrowserContext>
  /** A page, logged in as the admin. */
  loggedIn(viewport?: { width: number; height: number }): Promise<Page>
}

/**
 * One project on a scratch database, its real edge on a free port, and one Chromium for
 * the whole file (each test opens its own context).
 */
export function useBrowser(settings: UserSettings): BrowserHarness {
  let scratch: ScratchDatabase
  const requests: string[] = []
  const harness = {
    requests,
    async context(viewport = DESKTOP) {
      const context = await harness.browser.newContext({ viewport })
      context.on('request', (request) => void requests.push(request.url()))
      return context
    },
    async loggedIn(viewport = DESKTOP) {
      const page = await (await harness.context(viewport)).newPage()
      await page.goto(`${harness.edge.url}/accounts/login/`)
      await page.getByLabel('Username').fill(ADMIN.username)
      await page.getByLabel('Password').fill(ADMIN.password)
      await Promise.all([page.waitForURL(`${harness.edge.url}/`), page.getByRole('button', { name: 'Log in' }).click()])
      return page
    },
  } as BrowserHarness & { host: Host; edge: EdgeServer; browser: Browser }
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    scratch = await scratchDatabase()
    harness.host = await Host.start({ logLevel: 'silent', ...settings }, { databaseUrl: scratch.url })
    await createAdmin(harness.host.db)
    harness.edge = await startEdge(harness.host, { port: 0 })
    harness.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS })
  }, 60_000)
  afterAll(async () => {
    await harness.browser?.close()
    await harness.edge?.close()
    await harness.host?.stop()
    await scratch?.dispose()
  })
  return harness
}

/** Requests that left the edge: anything not on its origin (data: URLs are the page's own). */
export function foreignRequests(harness: BrowserHarness): string[] {
  const origin = new URL(harness.edge.url).origin
  return harness.requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))
}

/**
 * Check a page as a reviewer would: no serious or critical axe-core violation, no
 * horizontal scroll at a phone's width, and a screenshot of it at both widths.
 */
export async function reviewPage(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze()
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), `axe on ${name}`).toEqual([])
  await page.screenshot({ path: `${SCREENSHOTS}${name}-desktop.png`, fullPage: true })
  const size = page.viewportSize()
  await page.setViewportSize(PHONE)
  const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number
  expect(overflow, `horizontal scroll on ${name} at 375 px`).toBeLessThanOrEqual(0)
  await page.screenshot({ path: `${SCREENSHOTS}${name}-phone.png`, fullPage: true })
  if (size) await page.setViewportSize(size)
}
