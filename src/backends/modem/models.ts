import { defineEntity, type InferEntity } from '@mikro-orm/core'
import { BACKEND_NAME_MAX, IDENTITY_MAX } from '../../core/config.js'

/**
 * One part of an outgoing message the modem accepted, with the TP-MR it gave (`+CMGS: <mr>`):
 * how a status report (`+CDS`), which names only the TP-MR and the recipient, finds the
 * message it is about, also after a restart. `status`: `S` sent, `D` delivered, `F` failed.
 */
export const ModemSentPart = defineEntity({
  name: 'ModemSentPart',
  tableName: 'modem_sentpart',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    backend: p.string().length(BACKEND_NAME_MAX),
    /** The id the backend was given (`send(id, ...)`). */
    messageId: p.string().length(64).index(),
    identity: p.string().length(IDENTITY_MAX),
    /** TP-MR. */
    reference: p.smallint(),
    part: p.smallint(),
    parts: p.smallint(),
    sentAt: p.datetime(),
    status: p.string().length(1).default('S'),
    /** TP-ST of the last status report. */
    reportStatus: p.smallint().nullable(),
    reportedAt: p.datetime().nullable(),
  }),
  indexes: [{ properties: ['backend', 'reference'] }],
})
export type ModemSentPart = InferEntity<typeof ModemSentPart>

/**
 * A received message handed in and committed, by the digest of its PDUs: if the host stops
 * after the commit but before the message is deleted from the SIM, the message is found
 * here when it is read again and is only deleted, not handed in twice.
 */
export const ModemInbox = defineEntity({
  name: 'ModemInbox',
  tableName: 'modem_inbox',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    backend: p.string().length(BACKEND_NAME_MAX),
    key: p.string().length(64),
    committedAt: p.datetime(),
  }),
  uniques: [{ properties: ['backend', 'key'] }],
})
export type ModemInbox = InferEntity<typeof ModemInbox>

export const modemEntities = [ModemSentPart, ModemInbox]
