export { bulkEntities } from './models.js'
export { migrations as bulkMigrations } from './migrations/index.js'
