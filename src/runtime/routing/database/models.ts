import { defineEntity, type InferEntity } from '@mikro-orm/core'
import { Connection } from '../../../models/index.js'
import { EXTERNAL_ID_MAX } from '../../../core/config.js'

/**
 * Statuses of DatabaseRouter messages and transmissions (RapidSMS's STATUS_CHOICES):
 * Queued, Received, Processing, Sent, Delivered, Errored.
 */
export const STATUSES = { Q: 'Queued', R: 'Received', P: 'Processing', S: 'Sent', D: 'Delivered', E: 'Errored' } as const
export type Status = keyof typeof STATUSES

/** One message the DatabaseRouter received (`I`) or sent (`O`): RapidSMS's db_message table. */
export const DbMessage = defineEntity({
  name: 'DbMessage',
  tableName: 'db_message',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    status: p.string().length(1).default('Q').index(),
    /** When the message was created. */
    date: p.datetime().onCreate(() => new Date()),
    /** When its status last changed. */
    updated: p.datetime().nullable().index().onCreate(() => new Date()).onUpdate(() => new Date()),
    /** When all its transmissions were sent. */
    sent: p.datetime().nullable(),
    /** When all its transmissions were delivered. */
    delivered: p.datetime().nullable(),
    direction: p.string().length(1).index(),
    text: p.text(),
    /** The gateway's id of an incoming message (`fields.external_id`). */
    externalId: p.string().length(EXTERNAL_ID_MAX).default(''),
    /** For replies: the incoming message they answer. */
    inResponseTo: () => p.manyToOne(DbMessage).nullable().deleteRule('cascade').index(),
  }),
})
export type DbMessage = InferEntity<typeof DbMessage>

/** A message's passage through one connection: RapidSMS's db_transmission table. */
export const Transmission = defineEntity({
  name: 'Transmission',
  tableName: 'db_transmission',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    message: () => p.manyToOne(DbMessage).deleteRule('cascade').index(),
    connection: () => p.manyToOne(Connection).deleteRule('cascade').index(),
    status: p.string().length(1).index(),
    date: p.datetime().onCreate(() => new Date()),
    updated: p.datetime().nullable().index().onCreate(() => new Date()).onUpdate(() => new Date()),
    sent: p.datetime().nullable(),
    delivered: p.datetime().nullable(),
  }),
})
export type Transmission = InferEntity<typeof Transmission>

/** The DatabaseRouter's tables, added to a project's schema when `router: 'database'`. */
export const dbRouterEntities = [DbMessage, Transmission]
