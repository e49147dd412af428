import type { EntityManager } from '@mikro-orm/knex'
import { Hono, type Context } from 'hono'
import { definePages, type Site, type SiteEnv } from '../../web/pages/context.js'
import { findLocations, locationDetail, locationTypes, type LocationRow, type TypeRow } from './queries.js'

/** The outlines world-atlas ships, by scale: 1:110m (coarse, 108 kB), 1:50m (756 kB), 1:10m (3.7 MB). */
export const OUTLINES = ['110m', '50m', '10m'] as const
export type Outline = (typeof OUTLINES)[number]

/** A GeoJSON Feature of a location: a Point (longitude, latitude), or no geometry when it has no point. */
export function locationFeature(row: LocationRow) {
  return {
    type: 'Feature' as const,
    id: row.id,
    geometry: row.latitude === null || row.longitude === null ? null : { type: 'Point' as const, coordinates: [row.longitude, row.latitude] },
    properties: { name: row.name, slug: row.slug, type: row.type, typeName: row.typeName, parent: row.parent, children: row.children },
  }
}

const collection = (rows: LocationRow[], truncated: boolean) => ({ type: 'FeatureCollection' as const, features: rows.map(locationFeature), truncated })

/** What the page and the data ask for, read from the query string; `error` says what is wrong with it. */
interface LocationQuery {
  type?: TypeRow
  parent?: number | null
  location?: number
  error?: string
}

const ID = /^[1-9]\d{0,14}$/

/**
 * Read `type` (a type's slug), `parent` (an id, or `none` for the top level) and `location`
 * (an id); each at most once. `types` is read only for a `type` given.
 */
async function readQuery(c: Context<SiteEnv>, types: () => Promise<TypeRow[]>, names: readonly ('type' | 'parent' | 'location')[]): Promise<LocationQuery> {
  const all = c.req.queries()
  const query: LocationQuery = {}
  for (const name of names) {
    const values = all[name]
    if (!values?.length) continue
    if (values.length > 1) return { error: `Give "${name}" once, not ${values.length} times.` }
    const value = values[0]!.trim()
    if (!value) continue
    if (name === 'type') {
      const known = await types()
      query.type = known.find((t) => t.slug === value)
      if (!query.type) return { error: `There is no location type "${value.slice(0, 60)}"${known.length ? `; the types are ${known.map((t) => t.slug).join(', ')}` : ''}.` }
    } else if (name === 'parent' && value === 'none') query.parent = null
    else if (ID.test(value)) query[name] = Number(value)
    else return { error: `"${name}" must be a location's id${name === 'parent' ? ' or "none"' : ''}, not "${value.slice(0, 60)}".` }
  }
  return query
}

/** A swatch's colour: one of eight, by the type's place in the list. */
const swatch = (types: TypeRow[], slug: string) => `type-${Math.max(0, types.findIndex((t) => t.slug === slug)) % 8}`

function pageLink(query: { type?: string; location?: number }): string {
  const params = new URLSearchParams()
  if (query.type) params.set('type', query.type)
  if (query.location !== undefined) params.set('location', String(query.location))
  const search = params.toString()
  return `/locations/${search ? `?${search}` : ''}`
}

function LocationLink({ row, type }: { row: { id: number; name: string }; type?: string }) {
  return (
    <a href={pageLink({ type, location: row.id })} data-location={String(row.id)}>
      {row.name}
    </a>
  )
}

const point = (row: LocationRow) => (row.latitude === null || row.longitude === null ? 'No point' : `${row.latitude}, ${row.longitude}`)

/** The selected location: its type, point, where it is, and what is inside it (the script redraws it the same way). */
function Details({ detail, types, type, staff }: { detail?: NonNullable<Awaited<ReturnType<typeof locationDetail>>>; types: TypeRow[]; type?: string; staff: boolean }) {
  if (!detail) {
    return (
      <section id="location-details" class="location-details card card-body mb-3" aria-labelledby="location-details-title" aria-live="polite">
        <h2 id="location-details-title" class="h5">
          Details
        </h2>
        <p class="mb-0">Choose a location on the map or in the list to see what is inside it.</p>
      </section>
    )
  }
  const { location, ancestors, children, truncated } = detail
  return (
    <section id="location-details" class="location-details card card-body mb-3" aria-labelledby="location-details-title" aria-live="polite" data-selected={String(location.id)}>
      <h2 id="location-details-title" class="h5">
        {location.name}
      </h2>
      <dl class="row small mb-2">
        <dt class="col-4">Type</dt>
        <dd class="col-8">
          <span class={`location-swatch ${swatch(types, location.type)}`} aria-hidden="true"></span> {location.typeName}
        </dd>
        <dt class="col-4">Slug</dt>
        <dd class="col-8">{location.slug}</dd>
        <dt class="col-4">Point</dt>
        <dd class="col-8">{point(location)}</dd>
        <dt class="col-4">In</dt>
        <dd class="col-8" id="location-ancestors">
          {ancestors.length
            ? ancestors.map((a, i) => (
                <>
                  {i > 0 && ' › '}
                  <LocationLink row={a} type={type} />
                </>
              ))
            : '(top level)'}
        </dd>
      </dl>
      <h3 class="h6" id="location-children-title">
        Inside {location.name} ({children.length}
        {truncated ? '+' : ''})
      </h3>
      {children.length ? (
        <ul id="location-children" class="list-unstyled location-list" aria-labelledby="location-children-title">
          {children.map((child) => (
            <li>
              <span class={`location-swatch ${swatch(types, child.type)}`} aria-hidden="true"></span> <LocationLink row={child} type={type} /> <span class="text-body-secondary">{child.typeName}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p id="location-children" class="small">
          Nothing is inside it.
        </p>
      )}
      {staff && (
        <p class="small mb-0">
          <a href={`/admin/locations/location/${location.id}/change/`}>Change {location.name} in the admin</a>
        </p>
      )}
    </section>
  )
}

function LocationsPage({ types, type, rows, truncated, detail, outline, staff }: { types: TypeRow[]; type?: TypeRow; rows: LocationRow[]; truncated: boolean; detail?: Parameters<typeof Details>[0]['detail']; outline: Outline; staff: boolean }) {
  return (
    <div class="row g-3">
      <div class="col-12 col-lg-8">
        <form method="get" action="/locations/" class="d-flex flex-wrap gap-2 align-items-end mb-2" id="location-filter" aria-label="Filter locations">
          <div>
            <label class="form-label mb-0" for="location-type">
              Type
            </label>
            <select id="location-type" name="type" class="form-select">
              <option value="">All types</option>
              {types.map((t) => (
                <option value={t.slug} selected={t.slug === type?.slug}>
                  {t.name} ({t.locations})
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="btn btn-outline-secondary">
            Show
          </button>
        </form>
        <div id="location-map" class="location-map" role="region" aria-label="Map of the locations" data-outline={`/static/world-atlas/countries-${outline}.json`} data-types={types.map((t) => t.slug).join(' ')} data-staff={String(staff)}>
          <noscript>The map needs JavaScript; the list shows every location.</noscript>
        </div>
        <ul class="list-inline small mt-2 location-legend" aria-label="Location types">
          {types.map((t, i) => (
            <li class="list-inline-item">
              <span class={`location-swatch type-${i % 8}`} aria-hidden="true"></span> {t.name}
            </li>
          ))}
        </ul>
      </div>
      <div class="col-12 col-lg-4">
        <Details detail={detail} types={types} type={type?.slug} staff={staff} />
        <section aria-labelledby="location-list-title">
          <h2 id="location-list-title" class="h5">
            {type ? type.name : 'All locations'} ({rows.length}
            {truncated ? '+' : ''})
          </h2>
          {rows.length ? (
            <ul id="location-list" class="list-unstyled location-list">
              {rows.map((row) => (
                <li>
                  <span class={`location-swatch ${swatch(types, row.type)}`} aria-hidden="true"></span> <LocationLink row={row} type={type?.slug} /> <span class="text-body-secondary small">{row.typeName}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p id="location-list">{types.length ? 'No locations of this type yet.' : 'No locations yet: add location types and locations in the admin.'}</p>
          )}
        </section>
      </div>
    </div>
  )
}

function locations(site: Site): Hono<SiteEnv> {
  const app = new Hono<SiteEnv>()
  const outline = (site.router.settings as { locationsOutline?: Outline }).locationsOutline ?? '50m'
  const em = (): EntityManager => site.em()

  app.get('/', async (c) => {
    const db = em()
    const types = await locationTypes(db)
    const query = await readQuery(c, async () => types, ['type', 'location'])
    const render = (content: Parameters<typeof c.render>[0]) =>
      c.render(content, { title: 'Locations', styles: ['/static/leaflet/leaflet.css'], scripts: ['/static/leaflet/leaflet.js', '/static/topojson-client/topojson-client.min.js', '/static/rapidsms/locations.js'] })
    if (query.error) {
      c.status(400)
      return c.render(
        <>
          <div class="alert alert-danger" role="alert">
            {query.error}
          </div>
          <p>
            <a href="/locations/">All locations</a>
          </p>
        </>,
        { title: 'Locations' },
      )
    }
    const detail = query.location === undefined ? undefined : await locationDetail(db, query.location)
    if (query.location !== undefined && !detail) {
      c.status(404)
      return c.render(<p>There is no location {query.location}.</p>, { title: 'Locations' })
    }
    const { rows, truncated } = await findLocations(db, { type: query.type?.id })
    const user = c.get('user')
    return render(<LocationsPage types={types} type={query.type} rows={rows} truncated={truncated} detail={detail} outline={outline} staff={Boolean(user?.isStaff || user?.isSuperuser)} />)
  })

  // The map's data: the locations as GeoJSON, of a type (its slug), inside a location (its id, or `none`).
  app.get('/locations.geojson', async (c) => {
    const db = em()
    const query = await readQuery(c, () => locationTypes(db), ['type', 'parent'])
    if (query.error) return c.json({ error: query.error }, 400)
    const { rows, truncated } = await findLocations(db, { type: query.type?.id, parent: query.parent })
    return c.body(JSON.stringify(collection(rows, truncated)), 200, { 'content-type': 'application/geo+json; charset=utf-8' })
  })

  // One location with where it is and what is inside it.
  app.get('/:file{[^/]+\\.json}', async (c) => {
    const id = c.req.param('file').slice(0, -'.json'.length)
    if (!ID.test(id)) return c.json({ error: `"${id.slice(0, 60)}" is not a location's id.` }, 400)
    const detail = await locationDetail(em(), Number(id))
    if (!detail) return c.json({ error: `There is no location ${id}.` }, 404)
    return c.json({ location: locationFeature(detail.location), ancestors: detail.ancestors, children: collection(detail.children, detail.truncated) })
  })
  return app
}

/** The map at `/locations/` (docs 21.5's Map tab): every location on a map drawn offline, by type, with what is inside each. */
export const locationsPages = definePages({ path: '/locations/', title: 'Map', create: locations })
