import type { EntityManager } from '@mikro-orm/knex'
import { Location, LocationType } from './models.js'

/** A location of a sample tree and the ones inside it. */
export interface SampleLocation {
  name: string
  slug: string
  type: string
  latitude: number | null
  longitude: number | null
  children?: SampleLocation[]
}

/**
 * Sample data to try the map with: Uganda, its four regions, districts and a few health
 * facilities (points approximate, to 4 decimals).
 */
export const SAMPLE_LOCATIONS: { types: { name: string; slug: string }[]; locations: SampleLocation[] } = {
  types: [
    { name: 'Country', slug: 'country' },
    { name: 'Region', slug: 'region' },
    { name: 'District', slug: 'district' },
    { name: 'Health facility', slug: 'facility' },
  ],
  locations: [
    {
      name: 'Uganda', slug: 'uganda', type: 'country', latitude: 1.3733, longitude: 32.2903,
      children: [
        {
          name: 'Central', slug: 'central', type: 'region', latitude: 0.6, longitude: 32.3,
          children: [
            {
              name: 'Kampala', slug: 'kampala', type: 'district', latitude: 0.3476, longitude: 32.5825,
              children: [
                { name: 'Mulago Hospital', slug: 'mulago-hospital', type: 'facility', latitude: 0.338, longitude: 32.576 },
                { name: 'Kisenyi Health Centre', slug: 'kisenyi-hc', type: 'facility', latitude: 0.311, longitude: 32.568 },
              ],
            },
            { name: 'Wakiso', slug: 'wakiso', type: 'district', latitude: 0.4044, longitude: 32.4594 },
          ],
        },
        {
          name: 'Northern', slug: 'northern', type: 'region', latitude: 2.8, longitude: 32.6,
          children: [
            {
              name: 'Gulu', slug: 'gulu', type: 'district', latitude: 2.7724, longitude: 32.2881,
              children: [{ name: 'Gulu Regional Referral Hospital', slug: 'gulu-rrh', type: 'facility', latitude: 2.776, longitude: 32.3 }],
            },
            { name: 'Lira', slug: 'lira', type: 'district', latitude: 2.2499, longitude: 32.8999 },
          ],
        },
        {
          name: 'Eastern', slug: 'eastern', type: 'region', latitude: 1.2, longitude: 33.8,
          children: [
            { name: 'Mbale', slug: 'mbale', type: 'district', latitude: 1.0821, longitude: 34.175 },
            { name: 'Jinja', slug: 'jinja', type: 'district', latitude: 0.4244, longitude: 33.2042 },
          ],
        },
        {
          name: 'Western', slug: 'western', type: 'region', latitude: -0.3, longitude: 30.7,
          children: [
            { name: 'Mbarara', slug: 'mbarara', type: 'district', latitude: -0.6072, longitude: 30.6545 },
            { name: 'Kabale', slug: 'kabale', type: 'district', latitude: -1.2486, longitude: 29.9899 },
          ],
        },
      ],
    },
  ],
}

/**
 * Create a tree of location types and locations (default: SAMPLE_LOCATIONS) in `em`, as a
 * project's `fixtures` setting does for `rapidsms loaddata` and conversation scripts. They
 * are written at the caller's flush (loaddata's transaction: all or nothing).
 * @example export default defineConfig({ apps: [LocationsApp], fixtures: (em) => loadSampleLocations(em) })
 */
export function loadSampleLocations(em: EntityManager, data = SAMPLE_LOCATIONS): void {
  const types = new Map(data.types.map((t) => [t.slug, em.create(LocationType, { name: t.name, slug: t.slug })]))
  const add = (sample: SampleLocation, parent: Location | null) => {
    const type = types.get(sample.type)
    if (!type) throw new Error(`The sample location "${sample.slug}" has the type "${sample.type}", which is not among the types.`)
    const location = em.create(Location, { name: sample.name, slug: sample.slug, type, parent, latitude: sample.latitude, longitude: sample.longitude })
    for (const child of sample.children ?? []) add(child, location)
  }
  for (const sample of data.locations) add(sample, null)
}
