import type { EntityManager } from '@mikro-orm/knex'
import { Location, loadSampleLocations } from '../../../src/contrib/locations/index.js'

/** Load the sample tree (SAMPLE_LOCATIONS) through `em`; its locations by slug, read back in a fork. */
export async function sampleLocations(em: EntityManager): Promise<Map<string, Location>> {
  loadSampleLocations(em)
  await em.flush()
  return new Map((await em.fork().find(Location, {})).map((l) => [l.slug, l]))
}
