import { p } from '@mikro-orm/core'
import { z } from 'zod'
import { AppBase } from '../../apps/base.js'
import type { Contact, InferFields } from '../../models/index.js'
import { migrations } from './migrations/index.js'
import { Location, locationEntities, locationErrors, ancestorsOf, LocationType, type LocationValues } from './models.js'
import { OUTLINES, locationsPages } from './pages.js'
import { locationChoices } from './queries.js'

/**
 * Locations (docs 21.5): LocationType and Location (name, slug, type, parent, point), in the
 * admin with a filter by type and parent and a parent picker that shows each location's
 * path; every contact gets an optional `location` (the chapter 12 extension RapidSMS's own
 * locations app makes); `/locations/` draws them on a map that needs nothing from the
 * internet. No phase of its own.
 */
export class LocationsApp extends AppBase {
  static override appName = 'locations'
  static override module = 'rapidsms.contrib.locations'
  static override entities = locationEntities
  static override migrations = migrations
  static override pages = locationsPages
  /** A contact's location (RapidSMS's locations/extensions/rapidsms/contact.py); deleting the location clears it. */
  static override contactFields = { location: () => p.manyToOne(Location).nullable().deleteRule('set null').index() }
  static override settings = {
    /** The country outlines the map draws (world-atlas's scales): '110m', '50m' or '10m'. */
    locationsOutline: z.enum(OUTLINES).default('50m'),
  }
  static override admin = [
    { entity: LocationType, list: ['name', 'slug'], search: ['name', 'slug'] },
    {
      entity: Location,
      list: ['name', 'slug', 'type', 'parent', 'latitude', 'longitude'],
      search: ['name', 'slug'],
      filters: ['type', 'parent'],
      choices: locationChoices,
      clean: async (values: Record<string, unknown>, { em, id }: { em: Parameters<typeof ancestorsOf>[0]; id?: unknown }) => {
        const location = { ...values, id: typeof id === 'number' ? id : undefined } as LocationValues
        const parent = typeof values.parent === 'number' ? values.parent : undefined
        return locationErrors(location, parent !== undefined && location.id !== undefined ? await ancestorsOf(em, parent) : [])
      },
    },
  ]
}

/** A contact of a project with LocationsApp installed: its `location` is a Location or null. */
export type LocatedContact = Contact & InferFields<typeof LocationsApp.contactFields>
