export { bulkEntities, BulkJob, BulkRecipient } from './models.js'
export { migrations as bulkMigrations } from './migrations/index.js'
