export { BulkSender, DEFAULT_WINDOW, type BulkContext } from './sender.js'
export { BulkJob, BulkRecipient, bulkEntities, RECIPIENT_STATUSES, IDEMPOTENCY_KEY_MAX, type RecipientStatus } from './models.js'
export { migrations as bulkMigrations } from './migrations/index.js'
export { LEASE_MS } from './lease.js'
