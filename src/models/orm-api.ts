/**
 * What a project's own models and handlers need from the ORM, offered by `rapidsms` itself:
 * a project imports `defineEntity`, `raw`, `sql`... from 'rapidsms', never from
 * '@mikro-orm/core', so no second copy or version of the ORM can creep into it (entities
 * defined with another copy are not the ones the router's ORM knows).
 * @example
 * import { defineEntity, raw, type InferEntity } from 'rapidsms'
 * export const Choice = defineEntity({ name: 'Choice', properties: (p) => ({ id: p.integer().primary(), votes: p.integer().default(0) }) })
 * export type Choice = InferEntity<typeof Choice>
 * await em.nativeUpdate(Choice, { id: 1 }, { votes: raw('votes + 1') })
 */
export {
  defineEntity,
  p,
  raw,
  sql,
  ref,
  rel,
  wrap,
  Collection,
  Reference,
  EntitySchema,
  QueryOrder,
  LockMode,
  type InferEntity,
  type Ref,
  type Rel,
  type Opt,
  type Hidden,
  type Loaded,
  type FilterQuery,
  type EntityData,
  type RequiredEntityData,
} from '@mikro-orm/core'
/** The EntityManager a handler's `this.em`, `msg.em` and `fixtures(em)` are. */
export type { EntityManager, QueryBuilder } from '@mikro-orm/knex'
