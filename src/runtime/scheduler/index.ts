export { HostScheduler, type SchedulerOptions } from './scheduler.js'
export { ScheduledTask, schedulerEntities } from './models.js'
export { migrations as schedulerMigrations } from './migrations/index.js'
