import type { EntityManager } from '@mikro-orm/knex'
import type { ChoicesContext } from '../../models/index.js'
import { ancestorsOf } from './models.js'

/** At most this many locations in a select (a parent picker, a contact's location); beyond it the form asks for an id. */
export const CHOICES_LIMIT = 2000
/** At most this many locations in one answer of the map's data (`truncated` says when there were more). */
export const MAP_LIMIT = 5000

/** A location as the map and its list show it. */
export interface LocationRow {
  id: number
  name: string
  slug: string
  type: string
  typeName: string
  parent: number | null
  latitude: number | null
  longitude: number | null
  /** How many locations are inside it. */
  children: number
}

export interface TypeRow {
  id: number
  name: string
  slug: string
  /** How many locations are of this type. */
  locations: number
}

const number = (v: unknown) => (v === null || v === undefined ? null : Number(v))

function toRow(r: Record<string, unknown>): LocationRow {
  return {
    id: Number(r.id),
    name: String(r.name),
    slug: String(r.slug),
    type: String(r.type_slug),
    typeName: String(r.type_name),
    parent: number(r.parent_id),
    latitude: number(r.latitude),
    longitude: number(r.longitude),
    children: Number(r.children ?? 0),
  }
}

function baseQuery(em: EntityManager) {
  const knex = em.getKnex()
  return knex({ l: 'locations_location' })
    .join({ t: 'locations_locationtype' }, 't.id', 'l.type_id')
    .select('l.id', 'l.name', 'l.slug', 'l.parent_id', 'l.latitude', 'l.longitude', { type_slug: 't.slug', type_name: 't.name' })
    .select(knex.raw('(select count(*) from locations_location c where c.parent_id = l.id) as children'))
}

/** The location types by name, each with how many locations it has. */
export async function locationTypes(em: EntityManager): Promise<TypeRow[]> {
  const knex = em.getKnex()
  const rows = (await knex({ t: 'locations_locationtype' })
    .select('t.id', 't.name', 't.slug', knex.raw('(select count(*) from locations_location l where l.type_id = t.id) as locations'))
    .orderBy([{ column: 't.name' }, { column: 't.id' }])) as Record<string, unknown>[]
  return rows.map((r) => ({ id: Number(r.id), name: String(r.name), slug: String(r.slug), locations: Number(r.locations) }))
}

/**
 * Locations by name: of one type (its id), inside one location (`parent`: its id, or null
 * for the top level), at most `limit`; `truncated` when there were more.
 */
export async function findLocations(em: EntityManager, where: { type?: number; parent?: number | null } = {}, limit = MAP_LIMIT): Promise<{ rows: LocationRow[]; truncated: boolean }> {
  const query = baseQuery(em)
  if (where.type !== undefined) query.where('l.type_id', where.type)
  if (where.parent === null) query.whereNull('l.parent_id')
  else if (where.parent !== undefined) query.where('l.parent_id', where.parent)
  const rows = ((await query.orderBy([{ column: 'l.name' }, { column: 'l.id' }]).limit(limit + 1)) as Record<string, unknown>[]).map(toRow)
  return { rows: rows.slice(0, limit), truncated: rows.length > limit }
}

/** One location with the locations it is in (outermost first) and those inside it; undefined when there is none. */
export async function locationDetail(em: EntityManager, id: number): Promise<{ location: LocationRow; ancestors: { id: number; name: string }[]; children: LocationRow[]; truncated: boolean } | undefined> {
  const [found] = ((await baseQuery(em).where('l.id', id)) as Record<string, unknown>[]).map(toRow)
  if (!found) return undefined
  const ancestors = (await ancestorsOf(em, id)).slice(1).reverse()
  const { rows, truncated } = await findLocations(em, { parent: id })
  return { location: found, ancestors, children: rows, truncated }
}

/**
 * The locations as a select offers them (the parent picker, a contact's location): each
 * with its path and type, `Uganda › Northern › Gulu (district)`, sorted by path. A
 * location's own parent picker leaves out the location and everything inside it. Undefined
 * (an id input) past CHOICES_LIMIT locations.
 */
export async function locationChoices(em: EntityManager, context: ChoicesContext): Promise<[string, string][] | undefined> {
  const knex = em.getKnex()
  const [count] = (await knex('locations_location').count({ n: '*' })) as { n: number | string }[]
  if (Number(count?.n ?? 0) > CHOICES_LIMIT) return undefined
  const rows = ((await knex({ l: 'locations_location' }).join({ t: 'locations_locationtype' }, 't.id', 'l.type_id').select('l.id', 'l.name', 'l.parent_id', { type_name: 't.name' })) as { id: number; name: string; parent_id: number | null; type_name: string }[]).map((r) => ({
    id: Number(r.id),
    name: String(r.name),
    parent: r.parent_id === null ? null : Number(r.parent_id),
    type: String(r.type_name),
  }))
  const byId = new Map(rows.map((r) => [r.id, r]))
  /** A location and the locations it is in, itself first (a cycle written by raw SQL ends the walk). */
  const chainOf = (id: number) => {
    const chain: typeof rows = []
    for (let row = byId.get(id); row && !chain.includes(row); row = row.parent === null ? undefined : byId.get(row.parent)) chain.push(row)
    return chain
  }
  // A location cannot be put inside itself or anything inside it.
  const editing = context.entity === 'Location' && context.field === 'parent' && typeof context.id === 'number' ? byId.get(context.id) : undefined
  return rows
    .map((r) => ({ ...r, chain: chainOf(r.id) }))
    .filter((r) => !editing || !r.chain.includes(editing))
    .map((r) => ({ ...r, path: r.chain.map((a) => a.name).reverse() }))
    .map((r) => ({ id: r.id, key: r.path.join('\u0000'), label: `${r.path.join(' › ')} (${r.type})` }))
    .sort((a, b) => a.key.localeCompare(b.key) || a.id - b.id)
    .map((r): [string, string] => [String(r.id), r.label])
}
