import { ChangeSetType, Reference, type EntityManager, type EntityMetadata, type EventSubscriber } from '@mikro-orm/core'
import type { RecordWriter, RowChange } from './record-writer.js'

/** Entity hooks and subscriber methods a flush would run for a row it inserts or updates. */
const ROW_HOOKS = ['beforeCreate', 'afterCreate', 'beforeUpdate', 'afterUpdate', 'beforeUpsert', 'afterUpsert'] as const

/** Would a flush of a row of this entity run a hook of its own or of a subscriber? */
function runsRowHooks(meta: EntityMetadata, subscribers: EventSubscriber[]): boolean {
  if (ROW_HOOKS.some((hook) => meta.hooks[hook]?.length)) return true
  const subscribedTo = (s: EventSubscriber) => !s.getSubscribedEntities || s.getSubscribedEntities().some((e) => (typeof e === 'string' ? e : (e as { name?: string }).name) === meta.className)
  return subscribers.some((s) => ROW_HOOKS.some((hook) => s[hook]) && subscribedTo(s))
}

/**
 * Queue what `em` has pending (entities made with `em.create()`, changes of the entities it
 * manages) in the group-commit writer's `unit` instead of `em.flush()`: they commit with the
 * unit's other writes (a dialogue's completing step), in one batched statement with those of
 * concurrent units, not in a transaction of their own; the returned promise settles with
 * them. The writer hands no generated ids back and runs no hooks, so this takes only new rows
 * and changes by a single primary key, of entities without row hooks (entity or subscriber),
 * embeddables or a version property, where no new row refers to another new one. When `em`
 * holds anything else (a removal, a collection update) it queues nothing and returns
 * undefined: the caller flushes instead. `em` is left as it was: use it for nothing after (a
 * fork made for the call). Hold `unit` (writer.hold) around the call for the writes to wait
 * for the rest of it.
 * @example writer.hold(unit); const rows = queuePending(em, writer, unit) ?? (await em.flush())
 */
export function queuePending(em: EntityManager, writer: RecordWriter, unit: object): Promise<void> | undefined {
  const uow = em.getUnitOfWork()
  uow.computeChangeSets()
  const sets = uow.getChangeSets()
  if (uow.getCollectionUpdates().length || uow.getExtraUpdates().size) return undefined
  const created = new Set<object>(sets.filter((cs) => cs.type === ChangeSetType.CREATE).map((cs) => cs.entity))
  const subscribers = [...em.getEventManager().getSubscribers()] as EventSubscriber[]
  const writes: { entity: string; insert?: Record<string, unknown>; change?: RowChange }[] = []
  for (const cs of sets) {
    const { meta } = cs
    if ((cs.type !== ChangeSetType.CREATE && cs.type !== ChangeSetType.UPDATE) || meta.versionProperty || meta.embeddable) return undefined
    if (runsRowHooks(meta, subscribers)) return undefined
    const values: Record<string, unknown> = {}
    for (const key of Object.keys(cs.payload)) {
      const prop = meta.properties[key as keyof typeof meta.properties]
      if (!prop || prop.kind === 'embedded' || prop.kind === '1:m' || prop.kind === 'm:n') return undefined
      // The entity's own values (the payload's are database values already).
      let value = (cs.entity as Record<string, unknown>)[key]
      if (Reference.isReference(value)) value = value.unwrap()
      // A row that refers to a new one needs its generated id: only a flush has it.
      if (value !== null && typeof value === 'object' && created.has(value)) return undefined
      values[key] = value
    }
    if (cs.type === ChangeSetType.CREATE) writes.push({ entity: meta.className, insert: values })
    else {
      const key = cs.getPrimaryKey()
      if (meta.primaryKeys.length !== 1 || key === null || typeof key === 'object') return undefined
      if (!Object.keys(values).length) continue
      // One change per row (the same row may be both an entity em loaded and one it was handed).
      const same = writes.find((w) => w.change && w.entity === meta.className && w.change.where[meta.primaryKeys[0]!] === key)
      if (same) Object.assign(same.change!.set, values)
      else writes.push({ entity: meta.className, change: { where: { [meta.primaryKeys[0]!]: key }, set: values } })
    }
  }
  const done = writes.map(({ entity, insert, change }) => (insert ? writer.insert(entity, insert as never, unit) : writer.update(entity, change as never, unit)))
  return Promise.all(done).then(() => undefined)
}
