import { defineEntity, type InferEntity } from '@mikro-orm/core'
import type { BulkJobStatus } from '../../core/bulk.js'
import { BACKEND_NAME_MAX, IDENTITY_MAX } from '../../core/config.js'

export type { BulkJobStatus }

/**
 * Statuses of a bulk recipient, the DatabaseRouter's letters: Queued (not sent yet, or in
 * flight), Sent, Delivered (the gateway's delivery report), Errored.
 */
export const RECIPIENT_STATUSES = { Q: 'Queued', S: 'Sent', D: 'Delivered', E: 'Errored' } as const
export type RecipientStatus = keyof typeof RECIPIENT_STATUSES

/** Longest idempotency key. */
export const IDEMPOTENCY_KEY_MAX = 200

/**
 * One bulk send (`sendBulk()`, `rapidsms send`): the text, the id every backend is given for
 * it (`messageId`: delivery reports come back with it), and who runs it now (`runner`, with a
 * `heartbeat` renewed while it runs: a lease another host takes over once it is stale or its
 * process is gone).
 */
export const BulkJob = defineEntity({
  name: 'BulkJob',
  tableName: 'rapidsms_bulk_job',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    /** A second call with the same key sends nothing again: it goes on with this job, or reports it. */
    idempotencyKey: p.string().length(IDEMPOTENCY_KEY_MAX).nullable().unique(),
    messageId: p.string().length(32).unique(),
    text: p.text(),
    status: p.string().length(10).$type<BulkJobStatus>().default('loading').index(),
    /** Recipients stored (once loading finished). */
    total: p.integer().default(0),
    runner: p.string().length(200).nullable(),
    heartbeat: p.datetime().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    finishedAt: p.datetime().nullable(),
  }),
})
export type BulkJob = InferEntity<typeof BulkJob>

/**
 * One recipient of a bulk job: a backend and an identity (once per job), its status, why it
 * failed, when it was sent and delivered.
 */
export const BulkRecipient = defineEntity({
  name: 'BulkRecipient',
  tableName: 'rapidsms_bulk_recipient',
  uniques: [{ properties: ['job', 'backend', 'identity'] }],
  // A job's recipients of one backend in id order: how they are sent, and taken up again.
  // It leads with the job, so it serves the foreign key too: the index of its own SQLite
  // would add for \`job\` is turned off.
  indexes: [{ properties: ['job', 'backend', 'id'] }],
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    job: () => p.manyToOne(BulkJob).deleteRule('cascade').index(false),
    backend: p.string().length(BACKEND_NAME_MAX),
    identity: p.string().length(IDENTITY_MAX),
    status: p.string().length(1).$type<RecipientStatus>().default('Q'),
    error: p.text().nullable(),
    updatedAt: p.datetime(),
    sentAt: p.datetime().nullable(),
    deliveredAt: p.datetime().nullable(),
  }),
})
export type BulkRecipient = InferEntity<typeof BulkRecipient>

/** The bulk tables: in every project's schema, as the scheduler's. */
export const bulkEntities = [BulkJob, BulkRecipient]
