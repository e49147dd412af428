import { defineEntity, type InferEntity } from '@mikro-orm/core'

/** A durable one-shot task of `scheduler.runAt()`: stored until it has run. */
export const ScheduledTask = defineEntity({
  name: 'ScheduledTask',
  tableName: 'rapidsms_scheduled_task',
  properties: (p) => ({
    id: p.string().length(32).primary(),
    /** The name its handler was registered under (`scheduler.task(name, handler)`). */
    task: p.string().length(100),
    payload: p.json<unknown>().nullable(),
    runAt: p.datetime().index(),
    createdAt: p.datetime(),
  }),
})
export type ScheduledTask = InferEntity<typeof ScheduledTask>

export const schedulerEntities = [ScheduledTask]
