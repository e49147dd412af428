import { describe, expect, it } from 'vitest'
import { Contact, ValidationError } from '../../../src/index.js'
import { Location, LocationsApp, LocationType, loadSampleLocations, locationErrors, type LocatedContact } from '../../../src/contrib/locations/index.js'
import { coreEntities, coreMigrations, Database, withExtraFields } from '../../../src/models/index.js'
import { diffSchema } from '../../../src/models/make-migration.js'
import { scratchDatabase } from '../../../src/testing/index.js'
import { useRapidTest } from '../../../src/testing/index.js'

const DB = process.env.RAPIDSMS_TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite'
const schema = { entities: withExtraFields([...coreEntities, ...LocationsApp.entities], [LocationsApp]), migrations: [...coreMigrations, ...LocationsApp.migrations] }

describe(`the locations tables on ${DB}`, () => {
  it('are made by the app’s migration exactly as the entities say, the contact’s location column included', async () => {
    const scratch = await scratchDatabase()
    const db = await Database.open({ url: scratch.url, ...schema })
    try {
      expect(await db.schemaDrift()).not.toBe('')
      expect(await db.migrate()).toEqual(schema.migrations.map((m) => m.name))
      expect(await db.schemaDrift()).toBe('')
      const columns = db.dialect === 'sqlite' ? "select name from pragma_table_info('rapidsms_contact')" : "select column_name as name from information_schema.columns where table_name = 'rapidsms_contact'"
      expect((await db.orm.em.fork().getConnection().execute<{ name: string }[]>(columns)).map((r) => r.name)).toContain('location_id')
    } finally {
      await db.close()
      await scratch.dispose()
    }
  })

  it('makemigrations has nothing left to write once the migration is there', async () => {
    if (DB === 'SQLite') expect((await diffSchema('sqlite', schema.entities, schema.migrations)).up).toEqual([])
    else expect((await diffSchema('postgresql', schema.entities, schema.migrations, process.env.RAPIDSMS_TEST_DATABASE_URL)).up).toEqual([])
  })
})

describe(`locations on ${DB}`, () => {
  const rapid = useRapidTest({ apps: [LocationsApp] })

  async function tree() {
    const em = rapid.em()
    const district = em.create(LocationType, { name: 'District', slug: 'district' })
    const country = em.create(LocationType, { name: 'Country', slug: 'country' })
    const uganda = em.create(Location, { name: 'Uganda', slug: 'uganda', type: country, latitude: 1.3733, longitude: 32.2903 })
    const gulu = em.create(Location, { name: 'Gulu', slug: 'gulu', type: district, parent: uganda, latitude: 2.7724, longitude: 32.2881 })
    const ward = em.create(Location, { name: 'Laroo', slug: 'laroo', type: district, parent: gulu, latitude: null, longitude: null })
    await em.flush()
    return { district, country, uganda, gulu, ward }
  }

  /** The ValidationError the write fails with (the tests count what the tables hold after). */
  async function refused(write: (em: ReturnType<typeof rapid.em>) => unknown): Promise<ValidationError> {
    const em = rapid.em()
    const error = await (async () => {
      await write(em)
      await em.flush()
    })().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ValidationError)
    return error as ValidationError
  }

  it('keeps a point to ten decimal places, and a location without one', async () => {
    const em = rapid.em()
    const type = em.create(LocationType, { name: 'Village', slug: 'village' })
    em.create(Location, { name: 'Edge', slug: 'edge', type, latitude: -89.1234567891, longitude: 179.9876543219 })
    em.create(Location, { name: 'Somewhere', slug: 'somewhere', type, latitude: null, longitude: null })
    await em.flush()
    const rows = await rapid.em().find(Location, {}, { orderBy: { id: 'asc' } })
    expect(rows.map((r) => [r.name, r.latitude, r.longitude])).toEqual([
      ['Edge', -89.1234567891, 179.9876543219],
      ['Somewhere', null, null],
    ])
  })

  it('refuses a latitude or longitude out of range, half a point, a bad slug, with the field and Django’s words; stores nothing', async () => {
    const { district } = await tree()
    const cases: [Record<string, unknown>, string, string][] = [
      [{ latitude: 90.5, longitude: 0 }, 'latitude', 'Ensure this value is less than or equal to 90.'],
      [{ latitude: -91, longitude: 0 }, 'latitude', 'Ensure this value is greater than or equal to -90.'],
      [{ latitude: 0, longitude: 180.01 }, 'longitude', 'Ensure this value is less than or equal to 180.'],
      [{ latitude: 0, longitude: -200 }, 'longitude', 'Ensure this value is greater than or equal to -180.'],
      [{ latitude: Number.NaN, longitude: 0 }, 'latitude', 'Enter a number.'],
      [{ latitude: 10, longitude: null }, 'point', 'Give both a latitude and a longitude, or neither.'],
      [{ latitude: 0, longitude: 0, slug: 'two words' }, 'slug', 'Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.'],
    ]
    for (const [values, field, reason] of cases) {
      const error = await refused((em) => void em.create(Location, { name: 'Bad', slug: 'bad', type: district.id, ...values } as never))
      expect([error.field, error.reason], JSON.stringify(values)).toEqual([field, reason])
    }
    expect(await rapid.em().count(Location, { name: 'Bad' })).toBe(0)
    const type = await refused((em) => void em.create(LocationType, { name: 'Bad', slug: 'bad slug' }))
    expect(type.reason).toBe('Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.')
    expect(await rapid.em().count(LocationType, {})).toBe(2)
  })

  it('refuses a change that would put a location inside itself, and leaves the tree as it was', async () => {
    const { uganda, ward } = await tree()
    const own = await refused(async (em) => {
      const row = await em.findOneOrFail(Location, { id: uganda.id })
      row.parent = em.getReference(Location, uganda.id)
    })
    expect([own.field, own.reason]).toEqual(['parent', 'A location cannot be its own parent.'])
    const cycle = await refused(async (em) => {
      const row = await em.findOneOrFail(Location, { id: uganda.id })
      row.parent = em.getReference(Location, ward.id)
    })
    expect([cycle.field, cycle.reason]).toEqual(['parent', '“Laroo” is inside this location, so it cannot be its parent.'])
    expect((await rapid.em().findOneOrFail(Location, { id: uganda.id })).parent).toBeNull()
    // A move that keeps it a tree is fine.
    const em = rapid.em()
    const laroo = await em.findOneOrFail(Location, { id: ward.id })
    laroo.parent = em.getReference(Location, uganda.id)
    await em.flush()
    expect((await rapid.em().findOneOrFail(Location, { id: ward.id })).parent?.id).toBe(uganda.id)
  })

  it('does not delete a type in use or a location with locations inside it; deleting a contact’s location clears it', async () => {
    const { district, gulu, ward } = await tree()
    const type = await refused(async (em) => em.remove(await em.findOneOrFail(LocationType, { id: district.id })))
    expect(type.reason).toBe('2 locations are of this type: change or delete them first.')
    const parent = await refused(async (em) => em.remove(await em.findOneOrFail(Location, { id: gulu.id })))
    expect(parent.reason).toBe('1 location is inside it: move or delete it first.')
    expect(await rapid.em().count(Location, {})).toBe(3)

    const em = rapid.em()
    const ann = em.create(Contact, { name: 'Ann', location: ward.id } as never) as LocatedContact
    await em.flush()
    expect(((await rapid.em().findOneOrFail(Contact, { id: ann.id })) as LocatedContact).location?.id).toBe(ward.id)
    await rapid.em().nativeDelete(Location, { id: ward.id })
    expect(((await rapid.em().findOneOrFail(Contact, { id: ann.id })) as LocatedContact).location).toBeNull()
  })

  it('keeps slugs unique', async () => {
    const { district } = await tree()
    const em = rapid.em()
    em.create(Location, { name: 'Gulu again', slug: 'gulu', type: district.id, latitude: null, longitude: null } as never)
    await expect(em.flush()).rejects.toThrow(/unique/i)
    expect(await rapid.em().count(Location, { slug: 'gulu' })).toBe(1)
  })

  it('loads the sample tree as fixtures do, parents before children', async () => {
    const em = rapid.em()
    loadSampleLocations(em)
    await em.flush()
    const kampala = await rapid.em().findOneOrFail(Location, { slug: 'kampala' }, { populate: ['parent', 'type'] })
    expect([kampala.type.slug, kampala.parent?.slug]).toEqual(['district', 'central'])
    expect(await rapid.em().count(Location, { parent: kampala.id })).toBe(2)
    expect(await rapid.em().count(Location, {})).toBe(16)
  })
})

describe('locationErrors', () => {
  it('gives every error of the values at once', () => {
    expect(locationErrors({ slug: 'a b', latitude: 100, longitude: -181 })).toEqual({
      slug: 'Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.',
      latitude: 'Ensure this value is less than or equal to 90.',
      longitude: 'Ensure this value is greater than or equal to -180.',
    })
    expect(locationErrors({ latitude: 90, longitude: -180 })).toEqual({})
    expect(locationErrors({ latitude: null, longitude: undefined })).toEqual({})
  })
})
