import { describe, expect, it } from 'vitest'
import { ConfigError, defineConfig } from '../../../src/index.js'
import { Location, LocationsApp, LocationType } from '../../../src/contrib/locations/index.js'
import { useRapidTest } from '../../../src/testing/index.js'
import { createEdge } from '../../../src/web/index.js'
import { loggedInClient, PageClient } from '../../web/support/client.js'
import { sampleLocations } from './support.js'

const rapid = useRapidTest({ apps: [LocationsApp], settings: { locationsOutline: '110m' } })

const loggedIn = () => loggedInClient(rapid)
const sample = () => sampleLocations(rapid.em())

interface Feature {
  type: 'Feature'
  id: number
  geometry: { type: 'Point'; coordinates: [number, number] } | null
  properties: { name: string; slug: string; type: string; typeName: string; parent: number | null; children: number }
}
interface Collection {
  type: 'FeatureCollection'
  features: Feature[]
  truncated: boolean
}

async function json<T>(c: PageClient, path: string): Promise<{ status: number; type: string | null; body: T }> {
  const response = await c.request(path)
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as T }
}

/** The names of a list of location links (`<ul id="...">`) in a page. */
const linked = (html: string, id: string) => [...(new RegExp(`<ul id="${id}"[^>]*>([\\s\\S]*?)</ul>`).exec(html)?.[1] ?? '').matchAll(/data-location="\d+">([^<]*)<\/a>/g)].map((m) => m[1]!)

describe('the Map page (/locations/)', () => {
  it('needs a login', async () => {
    const response = await new PageClient(createEdge(rapid.router).app).request('/locations/')
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toMatch(/^\/accounts\/login\//)
    expect((await new PageClient(createEdge(rapid.router).app).request('/locations/locations.geojson')).status).toBe(302)
  })

  it('lists every location by name, offers each type, and loads the map from this site only', async () => {
    await sample()
    const c = await loggedIn()
    const { status, html } = await c.get('/locations/')
    expect(status).toBe(200)
    expect(linked(html, 'location-list')).toEqual(['Central', 'Eastern', 'Gulu', 'Gulu Regional Referral Hospital', 'Jinja', 'Kabale', 'Kampala', 'Kisenyi Health Centre', 'Lira', 'Mbale', 'Mbarara', 'Mulago Hospital', 'Northern', 'Uganda', 'Wakiso', 'Western'])
    expect([...html.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((m) => [m[1], m[2]])).toEqual([
      ['', 'All types'],
      ['country', 'Country (1)'],
      ['district', 'District (8)'],
      ['facility', 'Health facility (3)'],
      ['region', 'Region (4)'],
    ])
    expect(html).toContain('data-outline="/static/world-atlas/countries-110m.json"')
    const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1])
    expect(assets).toEqual(expect.arrayContaining(['/static/leaflet/leaflet.css', '/static/leaflet/leaflet.js', '/static/topojson-client/topojson-client.min.js', '/static/rapidsms/locations.js']))
    expect(assets.every((a) => a!.startsWith('/static/'))).toBe(true)
    expect(html).toContain('<a class="nav-link active" href="/locations/" aria-current="page">Map</a>')
  })

  it('filters by type, and shows a location’s details with what it is in and what is inside it', async () => {
    const rows = await sample()
    const c = await loggedIn()
    expect(linked((await c.get('/locations/?type=facility')).html, 'location-list')).toEqual(['Gulu Regional Referral Hospital', 'Kisenyi Health Centre', 'Mulago Hospital'])
    const kampala = rows.get('kampala')!
    const { html } = await c.get(`/locations/?type=district&location=${kampala.id}`)
    expect(html).toContain('<h2 id="location-details-title" class="h5">Kampala</h2>')
    expect(linked(html, 'location-children')).toEqual(['Kisenyi Health Centre', 'Mulago Hospital'])
    expect([...(/<dd class="col-8" id="location-ancestors">([\s\S]*?)<\/dd>/.exec(html)?.[1] ?? '').matchAll(/href="([^"]*)" data-location="\d+">([^<]*)</g)].map((m) => [m[1], m[2]])).toEqual([
      [`/locations/?type=district&amp;location=${rows.get('uganda')!.id}`, 'Uganda'],
      [`/locations/?type=district&amp;location=${rows.get('central')!.id}`, 'Central'],
    ])
    expect(html).toContain('<dd class="col-8">0.3476, 32.5825</dd>')
    expect(html).toContain(`<a href="/admin/locations/location/${kampala.id}/change/">Change Kampala in the admin</a>`)
  })

  it('says what is wrong with a query: 400 for a type or an id that is not one, 404 for a location that is not there', async () => {
    await sample()
    const c = await loggedIn()
    const type = await c.get('/locations/?type=clinic')
    expect(type.status).toBe(400)
    expect(type.html).toContain('There is no location type &quot;clinic&quot;; the types are country, district, facility, region.')
    for (const [query, message] of <[string, string][]>[
      ['location=abc', '&quot;location&quot; must be a location&#39;s id, not &quot;abc&quot;.'],
      ['location=0', '&quot;location&quot; must be a location&#39;s id, not &quot;0&quot;.'],
      ['location=99999999999999999999', '&quot;location&quot; must be a location&#39;s id, not &quot;99999999999999999999&quot;.'],
      ['type=country&type=region', 'Give &quot;type&quot; once, not 2 times.'],
    ]) {
      const page = await c.get(`/locations/?${query}`)
      expect([page.status, page.html.includes(message)], query).toEqual([400, true])
    }
    const missing = await c.get('/locations/?location=999999')
    expect(missing.status).toBe(404)
    expect(missing.html).toContain('There is no location 999999.')
  })
})

describe('the map’s data', () => {
  it('is GeoJSON: a Point (longitude, latitude) per location, no geometry for one without a point', async () => {
    const rows = await sample()
    const em = rapid.em()
    em.create(Location, { name: 'Unmapped', slug: 'unmapped', type: rows.get('gulu')!.type.id, parent: rows.get('gulu')!.id, latitude: null, longitude: null } as never)
    await em.flush()
    const c = await loggedIn()
    const all = await json<Collection>(c, '/locations/locations.geojson')
    expect([all.status, all.type]).toEqual([200, 'application/geo+json; charset=utf-8'])
    expect([all.body.type, all.body.features.length, all.body.truncated]).toEqual(['FeatureCollection', 17, false])
    const gulu = rows.get('gulu')!
    expect(all.body.features.find((f) => f.properties.slug === 'gulu')).toEqual({
      type: 'Feature',
      id: gulu.id,
      geometry: { type: 'Point', coordinates: [32.2881, 2.7724] },
      properties: { name: 'Gulu', slug: 'gulu', type: 'district', typeName: 'District', parent: rows.get('northern')!.id, children: 2 },
    })
    expect(all.body.features.find((f) => f.properties.slug === 'unmapped')?.geometry).toBeNull()
    const names = async (query: string) => (await json<Collection>(c, `/locations/locations.geojson?${query}`)).body.features.map((f) => f.properties.name)
    expect(await names('type=facility')).toEqual(['Gulu Regional Referral Hospital', 'Kisenyi Health Centre', 'Mulago Hospital'])
    expect(await names(`parent=${gulu.id}`)).toEqual(['Gulu Regional Referral Hospital', 'Unmapped'])
    expect(await names('parent=none')).toEqual(['Uganda'])
    expect(await names(`type=facility&parent=${gulu.id}`)).toEqual(['Gulu Regional Referral Hospital'])
  })

  it('answers a bad query with 400 and what is wrong, never a 500', async () => {
    await sample()
    const c = await loggedIn()
    for (const [query, error] of [
      ['type=clinic', 'There is no location type "clinic"; the types are country, district, facility, region.'],
      ['parent=abc', '"parent" must be a location\'s id or "none", not "abc".'],
      ['parent=-1', '"parent" must be a location\'s id or "none", not "-1".'],
      ['parent=1e3', '"parent" must be a location\'s id or "none", not "1e3".'],
      ['parent=99999999999999999999', '"parent" must be a location\'s id or "none", not "99999999999999999999".'],
      ['parent=1&parent=2', 'Give "parent" once, not 2 times.'],
      [`type=${'x'.repeat(500)}`, `There is no location type "${'x'.repeat(60)}"; the types are country, district, facility, region.`],
    ]) {
      const answer = await json<{ error: string }>(c, `/locations/locations.geojson?${query}`)
      expect([answer.status, answer.body], query).toEqual([400, { error }])
    }
    // A well-formed id of nothing is an empty list, not an error.
    expect((await json<Collection>(c, '/locations/locations.geojson?parent=999999')).body.features).toEqual([])
  })

  it('gives one location with the locations it is in, outermost first, and those inside it', async () => {
    const rows = await sample()
    const c = await loggedIn()
    const kampala = rows.get('kampala')!
    const detail = await json<{ location: Feature; ancestors: { id: number; name: string }[]; children: Collection }>(c, `/locations/${kampala.id}.json`)
    expect(detail.status).toBe(200)
    expect(detail.body.location.properties.name).toBe('Kampala')
    expect(detail.body.ancestors).toEqual([
      { id: rows.get('uganda')!.id, name: 'Uganda' },
      { id: rows.get('central')!.id, name: 'Central' },
    ])
    expect(detail.body.children.features.map((f) => [f.properties.name, f.geometry?.coordinates])).toEqual([
      ['Kisenyi Health Centre', [32.568, 0.311]],
      ['Mulago Hospital', [32.576, 0.338]],
    ])
    expect((await json<{ ancestors: unknown[] }>(c, `/locations/${rows.get('uganda')!.id}.json`)).body.ancestors).toEqual([])
    expect(await json(c, '/locations/999999.json')).toMatchObject({ status: 404, body: { error: 'There is no location 999999.' } })
    expect(await json(c, '/locations/abc.json')).toMatchObject({ status: 400, body: { error: '"abc" is not a location\'s id.' } })
    expect(await json(c, '/locations/0.json')).toMatchObject({ status: 400 })
  })

  it('works with no types and no locations yet', async () => {
    const c = await loggedIn()
    expect((await json<Collection>(c, '/locations/locations.geojson')).body).toEqual({ type: 'FeatureCollection', features: [], truncated: false })
    expect((await c.get('/locations/')).html).toContain('No locations yet: add location types and locations in the admin.')
    expect(await rapid.em().count(LocationType, {})).toBe(0)
  })
})

describe('what the map loads', () => {
  it('comes from the installed packages: Leaflet, topojson-client and world-atlas’s outlines', async () => {
    const c = await loggedIn()
    for (const [path, type] of [
      ['/static/leaflet/leaflet.js', 'text/javascript; charset=utf-8'],
      ['/static/leaflet/leaflet.css', 'text/css; charset=utf-8'],
      ['/static/leaflet/images/layers.png', 'image/png'],
      ['/static/topojson-client/topojson-client.min.js', 'text/javascript; charset=utf-8'],
      ['/static/rapidsms/locations.js', 'text/javascript; charset=utf-8'],
    ]) {
      const response = await c.request(path!)
      expect([path, response.status, response.headers.get('content-type')]).toEqual([path, 200, type])
    }
    for (const scale of ['110m', '50m']) {
      const outline = (await (await c.request(`/static/world-atlas/countries-${scale}.json`)).json()) as { type: string; objects: { countries: { geometries: unknown[] } } }
      expect(outline.type).toBe('Topology')
      expect(outline.objects.countries.geometries.length).toBeGreaterThan(170)
    }
  })

  it('the outline is a setting, checked at startup', () => {
    expect(defineConfig({ apps: [LocationsApp] }).locationsOutline).toBe('50m')
    expect(() => defineConfig({ apps: [LocationsApp], locationsOutline: '1m' })).toThrow(ConfigError)
    expect(() => defineConfig({ apps: [LocationsApp], locationsOutline: '1m' })).toThrow(/locationsOutline/)
  })
})
