import { defineEntity, type InferEntity } from '@mikro-orm/core'
import { Connection } from '../../models/index.js'
import type { SessionStatus, StoredTimer } from './engine.js'

// JSON columns are PostgreSQL's json (text kept as written), not jsonb: a step writes its
// snapshot and timers and nothing queries inside them, and json costs half as much to write.

/**
 * One session of a dialogue with one connection: the machine's persisted snapshot, its
 * pending timers and when it next needs waking, and a version for optimistic concurrency
 * (every step writes version + 1 where the version it read is still there). At most one
 * session per connection is active (a unique partial index).
 */
export const DialogueSession = defineEntity({
  name: 'DialogueSession',
  tableName: 'dialogue_session',
  uniques: [
    {
      name: 'dialogue_session_one_active',
      expression: `create unique index "dialogue_session_one_active" on "dialogue_session" ("connection_id") where "status" = 'active'`,
    },
  ],
  properties: (p) => ({
    /** 32 hex characters, made when the session starts (so its steps can name it in the same commit). */
    id: p.string().length(32).primary(),
    connection: () => p.manyToOne(Connection).deleteRule('cascade').index(),
    dialogue: p.string().length(100),
    status: p.string().length(12).$type<SessionStatus>().default('active'),
    /** The xstate persisted snapshot; null while a start waits for the end of quiet hours. */
    snapshot: p.json<Record<string, unknown>>().columnType('json').nullable(),
    timers: p.json<StoredTimer[]>().columnType('json'),
    steps: p.integer().default(0),
    version: p.integer().default(1),
    startedAt: p.datetime(),
    updatedAt: p.datetime(),
    endedAt: p.datetime().nullable(),
    expiresAt: p.datetime().nullable(),
    /** The earliest timer: what the scheduler looks for (null once the session ended). */
    wakeAt: p.datetime().nullable().index(),
  }),
})
export type DialogueSession = InferEntity<typeof DialogueSession>

/**
 * Every step of every session, in order: the event, the state before and after, and the
 * texts it sent (its outbox), so a conversation can be replayed. `sentAt` is null while the
 * outbox has not been handed to the backends: a host that stopped in between sends it at start.
 */
export const DialogueStep = defineEntity({
  name: 'DialogueStep',
  tableName: 'dialogue_step',
  uniques: [{ properties: ['session', 'seq'] }],
  indexes: [
    {
      name: 'dialogue_step_unsent',
      expression: `create index "dialogue_step_unsent" on "dialogue_step" ("session_id") where "sent_at" is null`,
    },
  ],
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    // (session, seq) leads with it and serves the foreign key: no index of its own on SQLite.
    session: () => p.manyToOne(DialogueSession).deleteRule('cascade').index(false),
    /** 1, 2, 3... within the session (0 is its start). */
    seq: p.integer(),
    event: p.json<Record<string, unknown>>().columnType('json'),
    /** The state before (null for the start) and after, dotted: `age.waiting`. */
    before: p.string().length(200).nullable(),
    after: p.string().length(200),
    /** The texts sent, as sent (translated). */
    sends: p.json<string[]>().columnType('json'),
    /** The incoming message this step applied, if a message did. */
    messageId: p.string().length(32).nullable(),
    at: p.datetime(),
    sentAt: p.datetime().nullable(),
  }),
})
export type DialogueStep = InferEntity<typeof DialogueStep>

export const dialogueEntities = [DialogueSession, DialogueStep]
