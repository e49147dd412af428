import { ChangeSetType, Reference, type EntityManager, type EventSubscriber } from '@mikro-orm/core'
import type { RecordWriter, RowChange } from './record-writer.js'

/** Entity hooks and subscriber methods a flush would run for a row it inserts or updates. */
const ROW_HOOKS = ['beforeCreate', 'afterCreate', 'beforeUpdate', 'afterUpdate', 'beforeUpsert', 'afterUpsert'] as const

/**
 * Store what `em` has pending (entities made with `em.create()`, changes of the entities it
 * manages) with the group-commit writer instead of `em.flush()`: the rows of many concurrent
 * calls then commit in one batched statement, not in a transaction each; the rows of one
 * call commit together or not at all. The writer hands no generated ids back and runs no
 * hooks, so this takes only new rows and changes by a single primary key, of entities without
 * row hooks (entity or subscriber), embeddables or a version property, where no new row
 * refers to another new one. When `em` holds anything else (a removal, a collection update)
 * it writes nothing and returns false: the caller flushes instead. Resolves true once
 * committed (also when nothing was pending); rejects, writing nothing, when the database
 * refuses a row. `em` is left as it was: use it for nothing after (a fork made for the call).
 * @example if (!(await writePending(em, db.writer))) await em.flush()
 */
export async function writePending(em: EntityManager, writer: RecordWriter): Promise<boolean> {
  const uow = em.getUnitOfWork()
  uow.computeChangeSets()
  const sets = uow.getChangeSets()
  if (uow.getCollectionUpdates().length || uow.getExtraUpdates().size) return false
  const created = new Set<object>(sets.filter((cs) => cs.type === ChangeSetType.CREATE).map((cs) => cs.entity))
  const subscribers = [...em.getEventManager().getSubscribers()] as EventSubscriber[]
  const writes: { entity: string; insert?: Record<string, unknown>; change?: RowChange }[] = []
  for (const cs of sets) {
    const { meta } = cs
    if ((cs.type !== ChangeSetType.CREATE && cs.type !== ChangeSetType.UPDATE) || meta.versionProperty || meta.embeddable) return false
    if (ROW_HOOKS.some((hook) => meta.hooks[hook]?.length)) return false
    if (subscribers.some((s) => ROW_HOOKS.some((hook) => s[hook]) && (!s.getSubscribedEntities || s.getSubscribedEntities().some((e) => (typeof e === 'string' ? e : (e as { name?: string }).name) === meta.className)))) return false
    const values: Record<string, unknown> = {}
    for (const key of Object.keys(cs.payload)) {
      const prop = meta.properties[key as keyof typeof meta.properties]
      if (!prop || prop.kind === 'embedded' || prop.kind === '1:m' || prop.kind === 'm:n') return false
      // The entity's own values (the payload's are database values already).
      let value = (cs.entity as Record<string, unknown>)[key]
      if (Reference.isReference(value)) value = value.unwrap()
      // A row that refers to a new one needs its generated id: only a flush has it.
      if (value !== null && typeof value === 'object' && created.has(value)) return false
      values[key] = value
    }
    if (cs.type === ChangeSetType.CREATE) writes.push({ entity: meta.className, insert: values })
    else {
      const key = cs.getPrimaryKey()
      if (meta.primaryKeys.length !== 1 || key === null || typeof key === 'object') return false
      if (Object.keys(values).length) writes.push({ entity: meta.className, change: { where: { [meta.primaryKeys[0]!]: key }, set: values } })
    }
  }
  if (!writes.length) return true
  const unit = {}
  writer.hold(unit)
  const done = writes.map(({ entity, insert, change }) => (insert ? writer.insert(entity, insert as never, unit) : writer.update(entity, change as never, unit)))
  writer.release(unit)
  await Promise.all(done)
  return true
}
