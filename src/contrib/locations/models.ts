import { defineEntity, p, type EventArgs, type InferEntity } from '@mikro-orm/core'
import type { EntityManager } from '@mikro-orm/knex'
import { ValidationError } from '../../core/errors.js'

/** Names are 100 characters, slugs 50 (Django's CharField and SlugField as RapidSMS declares them). */
export const NAME_MAX = 100
export const SLUG_MAX = 50

/** Django's messages for the checks of a location (its validators' wording where Django has one). */
export const LOCATION_MESSAGES = {
  slug: 'Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.',
  min: (limit: number) => `Ensure this value is greater than or equal to ${limit}.`,
  max: (limit: number) => `Ensure this value is less than or equal to ${limit}.`,
  number: 'Enter a number.',
  pair: 'Give both a latitude and a longitude, or neither.',
  ownParent: 'A location cannot be its own parent.',
  cycle: (name: string) => `“${name}” is inside this location, so it cannot be its parent.`,
  typeInUse: (n: number) => `${n} location${n === 1 ? ' is' : 's are'} of this type: change or delete ${n === 1 ? 'it' : 'them'} first.`,
  hasChildren: (n: number) => `${n} location${n === 1 ? ' is' : 's are'} inside it: move or delete ${n === 1 ? 'it' : 'them'} first.`,
}

const SLUG = /^[-a-zA-Z0-9_]+$/

/** The id, name and slug a location type and a location both have. */
const named = () => ({
  id: p.integer().primary().autoincrement(),
  name: p.string().length(NAME_MAX),
  slug: p.string().length(SLUG_MAX).unique(),
})

/** A check run before every insert and every update of a row. */
const onWrite = (check: (args: EventArgs<any>) => void | Promise<void>) => ({ beforeCreate: [check], beforeUpdate: [check] })

/** A kind of location: country, district, village, health facility... (RapidSMS's LocationType). */
export const LocationType = defineEntity({
  name: 'LocationType',
  tableName: 'locations_locationtype',
  properties: named,
  hooks: {
    ...onWrite(({ entity }) => firstError(slugError(entity.slug))),
    beforeDelete: [refuseWhileUsed('type_id', 'type', LOCATION_MESSAGES.typeInUse)],
  },
})
export type LocationType = InferEntity<typeof LocationType>

/**
 * A place: its name and slug, its type, the location it is in (`parent`: a district's
 * country) and its point on the globe, latitude and longitude in degrees (RapidSMS's Point:
 * decimals of 13 digits, 10 after the point). A location without a point is kept and listed,
 * just not drawn on the map.
 */
export const Location = defineEntity({
  name: 'Location',
  tableName: 'locations_location',
  properties: (p) => ({
    ...named(),
    type: () => p.manyToOne(LocationType).deleteRule('no action').index(),
    parent: () => p.manyToOne(Location).nullable().deleteRule('no action').index(),
    latitude: p.decimal('number').precision(13).scale(10).nullable(),
    longitude: p.decimal('number').precision(13).scale(10).nullable(),
  }),
  hooks: {
    ...onWrite(checkLocation),
    beforeDelete: [refuseWhileUsed('parent_id', 'parent', LOCATION_MESSAGES.hasChildren)],
  },
})
export type Location = InferEntity<typeof Location>

/** The fields of a location that its checks look at. */
export interface LocationValues {
  id?: number
  slug?: unknown
  latitude?: unknown
  longitude?: unknown
  parent?: unknown
}

const idOf = (ref: unknown): number | undefined => {
  if (ref === null || ref === undefined) return undefined
  if (typeof ref === 'number') return ref
  const id = (ref as { id?: unknown }).id
  return typeof id === 'number' ? id : undefined
}

function coordinateError(value: unknown, limit: number): string | undefined {
  if (value === null || value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) return LOCATION_MESSAGES.number
  if (value < -limit) return LOCATION_MESSAGES.min(-limit)
  if (value > limit) return LOCATION_MESSAGES.max(limit)
  return undefined
}

/**
 * Every error of a location's own values, by field (`__all__` for the pair): the slug's
 * form, the latitude in [-90, 90] and the longitude in [-180, 180] degrees, both or neither,
 * and not its own parent. `ancestors` (see `ancestorsOf`) adds the check that its parent is
 * not inside it.
 * @example locationErrors({ latitude: 91, longitude: 0 }) // { latitude: 'Ensure this value is less than or equal to 90.' }
 */
export function locationErrors(values: LocationValues, ancestors: readonly { id: number; name: string }[] = []): Record<string, string> {
  const errors: Record<string, string> = slugError(values.slug)
  const latitude = coordinateError(values.latitude, 90)
  const longitude = coordinateError(values.longitude, 180)
  if (latitude) errors.latitude = latitude
  if (longitude) errors.longitude = longitude
  const given = (v: unknown) => v !== null && v !== undefined
  if (!latitude && !longitude && given(values.latitude) !== given(values.longitude)) errors.__all__ = LOCATION_MESSAGES.pair
  const parent = idOf(values.parent)
  if (values.id !== undefined && parent === values.id) errors.parent = LOCATION_MESSAGES.ownParent
  else if (values.id !== undefined) {
    const inside = ancestors.find((a) => a.id === values.id)
    if (inside) errors.parent = LOCATION_MESSAGES.cycle(ancestors[0]!.name)
  }
  return errors
}

/**
 * The location `id` and the locations it is in, nearest first (itself first), read in one
 * recursive query; `ctx` is the transaction to read in (a flush's own).
 */
export async function ancestorsOf(em: EntityManager, id: number, ctx?: unknown): Promise<{ id: number; name: string }[]> {
  const rows = await em.getConnection().execute<{ id: number; name: string; depth: number }[]>(
    `with recursive up (id, name, parent_id, depth) as (
       select id, name, parent_id, 0 from locations_location where id = ?
       union
       select l.id, l.name, l.parent_id, up.depth + 1 from locations_location l join up on l.id = up.parent_id where up.depth < 1000
     ) select id, name, depth from up order by depth`,
    [id],
    'all',
    ctx as never,
  )
  const seen = new Set<number>()
  return rows.map((r) => ({ id: Number(r.id), name: String(r.name) })).filter((r) => !seen.has(r.id) && seen.add(r.id))
}

function slugError(slug: unknown): Record<string, string> {
  return typeof slug === 'string' && !SLUG.test(slug) ? { slug: LOCATION_MESSAGES.slug } : {}
}

function firstError(errors: Record<string, string>): void {
  const [field, reason] = Object.entries(errors)[0] ?? []
  if (field && reason) throw new ValidationError(field === '__all__' ? 'point' : field, reason)
}

/**
 * The checks every write of a location goes through, whoever writes it: nothing bad is
 * stored. Only a stored location given a parent (a new one, or another) can close a cycle,
 * so only then are the parent's ancestors read (in the flush's transaction).
 */
async function checkLocation({ entity, em, changeSet }: EventArgs<any>): Promise<void> {
  const values = entity as LocationValues
  const parent = idOf(values.parent)
  const moved = values.id !== undefined && parent !== undefined && parent !== values.id && (!changeSet || 'parent' in changeSet.payload)
  firstError(locationErrors(values, moved ? await ancestorsOf(em as EntityManager, parent, em.getTransactionContext()) : []))
}

/** A delete refused while rows of locations_location point at the row through `column`. */
function refuseWhileUsed(column: 'type_id' | 'parent_id', field: string, message: (n: number) => string) {
  return async ({ entity, em }: EventArgs<any>): Promise<void> => {
    const [row] = await (em as EntityManager).getConnection().execute<{ n: number | string }[]>(`select count(*) as n from locations_location where ${column} = ?`, [(entity as { id: unknown }).id], 'all', em.getTransactionContext())
    const n = Number(row?.n ?? 0)
    if (n) throw new ValidationError(field, message(n))
  }
}

export const locationEntities = [LocationType, Location]
