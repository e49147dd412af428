export { BulkSender, DEFAULT_WINDOW } from './sender.js'
export type { BulkContext } from './context.js'
export { BulkJob, BulkRecipient, RECIPIENT_STATUSES, type RecipientStatus } from './models.js'
