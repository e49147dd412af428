import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { LocationsApp } from '../../../src/contrib/locations/index.js'
import { RegistrationApp } from '../../../src/contrib/registration/index.js'
import { sampleLocations } from '../../contrib/locations/support.js'
import { foreignRequests, PHONE, reviewPage, SCREENSHOTS, useBrowser } from './support.js'

const harness = useBrowser({ apps: [RegistrationApp, LocationsApp] })
let ids: Map<string, number>

beforeAll(async () => {
  ids = new Map([...(await sampleLocations(harness.host.db.orm.em.fork()))].map(([slug, l]) => [slug, l.id]))
})

/** Messages of the page's console that say the Content-Security-Policy blocked something, and script errors. */
function problems(page: Page): string[] {
  const found: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') found.push(m.text())
  })
  page.on('pageerror', (e) => found.push(String(e)))
  return found
}

const markers = (page: Page, role: string) => page.locator(`#location-map .location-marker[data-role="${role}"]`)
const listed = (page: Page, id: string) => page.locator(`#${id} a[data-location]`).allTextContents()

async function openMap(page: Page, query = ''): Promise<void> {
  await page.goto(`${harness.edge.url}/locations/${query}`)
  await page.locator('#location-map[data-ready="true"][data-outline-ready="true"]').waitFor()
}

describe('the Map page in a browser', () => {
  it('draws the locations on the bundled outlines, filters them by type, and shows a location’s children on a click', async () => {
    const page = await harness.loggedIn()
    const errors = problems(page)
    await openMap(page)
    // Every location has a point: one dot each, over the countries world-atlas ships.
    await expect.poll(() => markers(page, 'is-shown').count()).toBe(16)
    expect(await page.locator('#location-map path.map-country').count()).toBeGreaterThan(200)
    await page.screenshot({ path: `${SCREENSHOTS}locations-all-desktop.png` })

    await page.getByRole('combobox', { name: 'Type' }).selectOption({ label: 'District (8)' })
    await expect.poll(() => markers(page, 'is-shown').count()).toBe(8)
    expect(await listed(page, 'location-list')).toEqual(['Gulu', 'Jinja', 'Kabale', 'Kampala', 'Lira', 'Mbale', 'Mbarara', 'Wakiso'])
    await expect.poll(() => page.locator('#location-list-title').textContent()).toBe('District (8)')

    // A click on Kampala's dot: its details, and its two facilities drawn and listed.
    await page.locator(`#location-map .location-marker[data-role="is-shown"][data-location="${ids.get('kampala')}"]`).click()
    await expect.poll(() => page.locator('#location-details-title').textContent()).toBe('Kampala')
    expect(await listed(page, 'location-children')).toEqual(['Kisenyi Health Centre', 'Mulago Hospital'])
    expect(await listed(page, 'location-ancestors')).toEqual(['Uganda', 'Central'])
    expect(await markers(page, 'is-child').count()).toBe(2)
    expect(await markers(page, 'is-selected').count()).toBe(1)
    expect(new URL(page.url()).search).toBe(`?type=district&location=${ids.get('kampala')}`)
    await reviewPage(page, 'locations')

    // A child in the panel is chosen in place; then up to its region through the path.
    await page.getByRole('link', { name: 'Mulago Hospital' }).click()
    await expect.poll(() => page.locator('#location-details-title').textContent()).toBe('Mulago Hospital')
    expect(await page.locator('#location-children').textContent()).toBe('Nothing is inside it.')
    expect(await listed(page, 'location-ancestors')).toEqual(['Uganda', 'Central', 'Kampala'])
    await page.locator('#location-ancestors').getByRole('link', { name: 'Central' }).click()
    await expect.poll(() => listed(page, 'location-children')).toEqual(['Kampala', 'Wakiso'])
    // Back goes to the location before.
    await page.goBack()
    await expect.poll(() => page.locator('#location-details-title').textContent()).toBe('Mulago Hospital')

    expect(errors).toEqual([])
    expect(foreignRequests(harness)).toEqual([])
    const origin = harness.edge.url
    expect(harness.requests).toEqual(expect.arrayContaining([`${origin}/static/world-atlas/countries-50m.json`, `${origin}/locations/locations.geojson?type=district`, `${origin}/locations/${ids.get('kampala')}.json`]))
    await page.context().close()
  }, 90_000)

  it('chooses a location from the keyboard: a dot is a button', async () => {
    const page = await harness.loggedIn()
    await openMap(page, '?type=region')
    await expect.poll(() => markers(page, 'is-shown').count()).toBe(4)
    const northern = page.getByRole('button', { name: 'Northern (Region)' })
    await northern.focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => listed(page, 'location-children')).toEqual(['Gulu', 'Lira'])
    await page.context().close()
  }, 60_000)

  it('the admin’s location list with its filters and the change page with its parent picker pass axe at both widths', async () => {
    const page = await harness.loggedIn()
    await page.goto(`${harness.edge.url}/admin/locations/location/`)
    await page.getByRole('combobox', { name: 'By parent' }).selectOption({ label: 'Uganda › Central › Kampala (District)' })
    await Promise.all([page.waitForURL(/parent=/), page.getByRole('button', { name: 'Search' }).click()])
    expect(await page.locator('tbody tr td:first-child').allTextContents()).toEqual(['Kisenyi Health Centre', 'Mulago Hospital'])
    await reviewPage(page, 'admin-locations')
    await page.goto(`${harness.edge.url}/admin/locations/location/${ids.get('kampala')}/change/`)
    expect(await page.getByRole('combobox', { name: 'Parent' }).inputValue()).toBe(String(ids.get('central')))
    await reviewPage(page, 'admin-location-change')
    await page.context().close()
  }, 60_000)

  it('works on a phone: the map above, the list below, a tap shows the children', async () => {
    const page = await harness.loggedIn(PHONE)
    await openMap(page)
    const map = await page.locator('#location-map').boundingBox()
    expect(map!.width).toBeGreaterThan(300)
    expect(map!.width).toBeLessThanOrEqual(PHONE.width)
    await page.locator('#location-list').getByRole('link', { name: 'Gulu', exact: true }).click()
    await expect.poll(() => listed(page, 'location-children')).toEqual(['Gulu Regional Referral Hospital'])
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number
    expect(overflow).toBeLessThanOrEqual(0)
    await page.screenshot({ path: `${SCREENSHOTS}locations-gulu-phone.png`, fullPage: true })
    expect(foreignRequests(harness)).toEqual([])
    await page.context().close()
  }, 60_000)
})
