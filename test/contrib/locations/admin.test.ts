import { describe, expect, it } from 'vitest'
import { Contact, DatabaseBackend } from '../../../src/index.js'
import { Location, LocationsApp, LocationType, type LocatedContact } from '../../../src/contrib/locations/index.js'
import { RegistrationApp } from '../../../src/contrib/registration/index.js'
import { useRapidTest } from '../../../src/testing/index.js'
import { loggedInClient } from '../../web/support/client.js'
import { sampleLocations } from './support.js'

const rapid = useRapidTest({ apps: [RegistrationApp, LocationsApp], backends: { message_tester: { engine: DatabaseBackend } } })

const loggedIn = () => loggedInClient(rapid)
const sample = () => sampleLocations(rapid.em())

/** The options of a select: [value, label] pairs. */
function options(html: string, name: string): [string, string][] {
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? ''
  return [...select.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((m) => [m[1]!, m[2]!])
}

const listNames = (html: string) => [...html.matchAll(/<tbody>([\s\S]*?)<\/tbody>/g)].flatMap((b) => [...b[1]!.matchAll(/<tr><td[^>]*><a href="[^"]*">([^<]*)<\/a>/g)].map((m) => m[1]!))
const fieldError = (html: string, name: string) => new RegExp(`<div id="id_${name}_error" class="invalid-feedback d-block">([^<]*)</div>`).exec(html)?.[1]

describe('locations in the admin', () => {
  it('lists both models under Locations', async () => {
    const c = await loggedIn()
    const { html } = await c.get('/admin/')
    expect(html).toContain('<a href="/admin/locations/locationtype/">Location types</a>')
    expect(html).toContain('<a href="/admin/locations/location/">Locations</a>')
  })

  it('adds a location with the parent picker, whose options show each location’s path and type', async () => {
    const rows = await sample()
    const c = await loggedIn()
    const form = await c.get('/admin/locations/location/add/')
    const parents = options(form.html, 'parent')
    expect(parents.slice(0, 4)).toEqual([
      ['', '---------'],
      [String(rows.get('uganda')!.id), 'Uganda (Country)'],
      [String(rows.get('central')!.id), 'Uganda › Central (Region)'],
      [String(rows.get('kampala')!.id), 'Uganda › Central › Kampala (District)'],
    ])
    expect(options(form.html, 'type').map(([, label]) => label)).toEqual(['Country', 'Region', 'District', 'Health facility'])
    const district = (await rapid.em().findOneOrFail(LocationType, { slug: 'district' })).id
    const added = await c.post('/admin/locations/location/add/', { name: 'Arua', slug: 'arua', type: String(district), parent: String(rows.get('northern')!.id), latitude: '3.0201', longitude: '30.9111' })
    expect(added.response.headers.get('location')).toBe('/admin/locations/location/')
    const arua = await rapid.em().findOneOrFail(Location, { slug: 'arua' }, { populate: ['parent'] })
    expect([arua.parent?.slug, arua.latitude, arua.longitude]).toEqual(['northern', 3.0201, 30.9111])
  })

  it('says what is wrong with a point on its field, and stores nothing', async () => {
    await sample()
    const c = await loggedIn()
    await c.get('/admin/locations/location/add/')
    const district = String((await rapid.em().findOneOrFail(LocationType, { slug: 'district' })).id)
    const far = await c.post('/admin/locations/location/add/', { name: 'Nowhere', slug: 'nowhere', type: district, parent: '', latitude: '91', longitude: '-181' })
    expect(far.status).toBe(400)
    expect(fieldError(far.html, 'latitude')).toBe('Ensure this value is less than or equal to 90.')
    expect(fieldError(far.html, 'longitude')).toBe('Ensure this value is greater than or equal to -180.')
    const half = await c.post('/admin/locations/location/add/', { name: 'Nowhere', slug: 'nowhere', type: district, parent: '', latitude: '1', longitude: '' })
    expect(half.status).toBe(400)
    expect(half.html).toContain('Give both a latitude and a longitude, or neither.')
    const slug = await c.post('/admin/locations/location/add/', { name: 'Nowhere', slug: 'no where', type: district, parent: '', latitude: '', longitude: '' })
    expect(fieldError(slug.html, 'slug')).toBe('Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.')
    const text = await c.post('/admin/locations/location/add/', { name: 'Nowhere', slug: 'nowhere', type: district, parent: '', latitude: 'north', longitude: '3' })
    expect(fieldError(text.html, 'latitude')).toBe('Enter a number.')
    expect(await rapid.em().count(Location, { slug: 'nowhere' })).toBe(0)
  })

  it('offers as a parent neither the location itself nor anything inside it, and refuses one posted anyway', async () => {
    const rows = await sample()
    const central = rows.get('central')!
    const c = await loggedIn()
    const form = await c.get(`/admin/locations/location/${central.id}/change/`)
    const labels = options(form.html, 'parent').map(([, label]) => label)
    expect(labels).toContain('Uganda › Northern (Region)')
    expect(labels.filter((l) => l.includes('Central'))).toEqual([])
    const base = { name: 'Central', slug: 'central', type: String(central.type.id), latitude: '0.6', longitude: '32.3' }
    const cycle = await c.post(`/admin/locations/location/${central.id}/change/`, { ...base, parent: String(rows.get('mulago-hospital')!.id) })
    expect(cycle.status).toBe(400)
    expect(fieldError(cycle.html, 'parent')).toBe('“Mulago Hospital” is inside this location, so it cannot be its parent.')
    expect((await rapid.em().findOneOrFail(Location, { id: central.id })).parent?.id).toBe(rows.get('uganda')!.id)
  })

  it('filters the list by type and by parent; a filter value that is not a choice is a 400 naming it', async () => {
    const rows = await sample()
    const c = await loggedIn()
    const facility = (await rapid.em().findOneOrFail(LocationType, { slug: 'facility' })).id
    const list = await c.get(`/admin/locations/location/?type=${facility}&sort=name&dir=asc`)
    expect(listNames(list.html)).toEqual(['Gulu Regional Referral Hospital', 'Kisenyi Health Centre', 'Mulago Hospital'])
    expect(options(list.html, 'type').find(([v]) => v === String(facility))).toEqual([String(facility), 'Health facility'])
    expect(listNames((await c.get(`/admin/locations/location/?parent=${rows.get('kampala')!.id}&sort=name&dir=asc`)).html)).toEqual(['Kisenyi Health Centre', 'Mulago Hospital'])
    expect(listNames((await c.get('/admin/locations/location/?parent=none')).html)).toEqual(['Uganda'])
    const bad = await c.get('/admin/locations/location/?type=clinic')
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('“clinic” is not a choice of the type filter.')
  })

  it('does not delete a location with locations inside it or a type in use, and says why', async () => {
    const rows = await sample()
    const c = await loggedIn()
    const kampala = rows.get('kampala')!
    await c.get(`/admin/locations/location/${kampala.id}/delete/`)
    await c.post(`/admin/locations/location/${kampala.id}/delete/`, {})
    expect((await c.get(`/admin/locations/location/${kampala.id}/change/`)).html).toContain('The location “Kampala” could not be deleted: 2 locations are inside it: move or delete them first.')
    const facility = await rapid.em().findOneOrFail(LocationType, { slug: 'facility' })
    await c.post(`/admin/locations/locationtype/${facility.id}/delete/`, {})
    expect((await c.get(`/admin/locations/locationtype/${facility.id}/change/`)).html).toContain('The location type “Health facility” could not be deleted: 3 locations are of this type: change or delete them first.')
    expect(await rapid.em().count(Location, {})).toBe(16)
    expect(await rapid.em().count(LocationType, {})).toBe(4)
  })
})

describe('a contact’s location', () => {
  it('is a select of locations on the Registration form, a column of its list, and saved', async () => {
    const rows = await sample()
    const gulu = rows.get('gulu')!
    const c = await loggedIn()
    const form = await c.get('/registration/add/')
    expect(options(form.html, 'location')).toContainEqual([String(gulu.id), 'Uganda › Northern › Gulu (District)'])
    await c.post('/registration/add/', { name: 'Ann', language: '', location: String(gulu.id), 'conn-new-backend': 'message_tester', 'conn-new-identity': '256700000001' })
    const ann = (await rapid.em().findOneOrFail(Contact, { name: 'Ann' })) as LocatedContact
    expect(ann.location?.id).toBe(gulu.id)
    const list = await c.get('/registration/')
    expect(list.html).toContain('<th scope="col">Location</th>')
    expect(list.html).toMatch(/>Ann<\/a><\/td><td[^>]*>[^<]*<\/td><td[^>]*>Gulu<\/td>/)
    const edit = await c.get(`/registration/${ann.id}/edit/`)
    expect(/<option value="(\d+)" selected/.exec(new RegExp('<select[^>]*name="location"[^>]*>([\\s\\S]*?)</select>').exec(edit.html)?.[1] ?? '')?.[1]).toBe(String(gulu.id))
    const bad = await c.post(`/registration/${ann.id}/edit/`, { name: 'Ann', language: '', location: '999999' })
    expect(bad.status).toBe(400)
    expect(fieldError(bad.html, 'location')).toBe('Select a valid choice. That choice is not one of the available choices.')
    await c.post(`/registration/${ann.id}/edit/`, { name: 'Ann', language: '', location: '' })
    expect(((await rapid.em().findOneOrFail(Contact, { name: 'Ann' })) as LocatedContact).location).toBeNull()
  })

  it('is listed and edited in the contact admin with the same picker', async () => {
    const rows = await sample()
    const em = rapid.em()
    const dee = em.create(Contact, { name: 'Dee', language: '', location: rows.get('jinja')!.id } as never) as LocatedContact
    await em.flush()
    const c = await loggedIn()
    const list = await c.get('/admin/rapidsms/contact/')
    expect(list.html).toContain('<th scope="col">Location</th>')
    expect(list.html).toMatch(/<td[^>]*>Jinja<\/td>/)
    const change = await c.get(`/admin/rapidsms/contact/${dee.id}/change/`)
    expect(options(change.html, 'location')).toContainEqual([String(rows.get('mbale')!.id), 'Uganda › Eastern › Mbale (District)'])
    await c.post(`/admin/rapidsms/contact/${dee.id}/change/`, { name: 'Dee', language: '', location: String(rows.get('mbale')!.id) })
    expect(((await rapid.em().findOneOrFail(Contact, { id: dee.id })) as LocatedContact).location?.id).toBe(rows.get('mbale')!.id)
  })
})
