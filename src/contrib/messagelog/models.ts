import { defineEntity, type InferEntity } from '@mikro-orm/core'
import { ValidationError } from '../../core/errors.js'
import type { ConnectionLike, ContactLike } from '../../core/messages/index.js'
import { Connection, Contact } from '../../models/index.js'

/** `I`: a message received; `O`: a message sent. */
export const INCOMING = 'I'
export const OUTGOING = 'O'
export type Direction = typeof INCOMING | typeof OUTGOING

/** One message received or sent, as the message log keeps it (docs 21.6.2). */
export const Message = defineEntity({
  name: 'Message',
  tableName: 'messagelog_message',
  // Pages of the log are read newest first by keyset (date, id): all rows by that index; one
  // connection's or one contact's (the page's filters) by the foreign key's index, their rows
  // then sorted (a phone's messages, not the log's). Every logged message pays for each index,
  // so they are kept cheap: single-column keys, whose duplicates PostgreSQL stores once, and
  // the contact's partial (most senders have no contact; a filter or a deleted contact looks
  // up one contact_id, which the partial index serves). Measured: (connection_id, date, id)
  // and (contact_id, date, id) made each insert about a third dearer.
  // The migrations hold each database's SQL; expression indexes are compared by name only.
  indexes: [
    { name: 'messagelog_message_date_id_index', properties: ['date', 'id'] },
    { name: 'messagelog_message_contact_id_index', expression: (table: { name: string }) => `create index "messagelog_message_contact_id_index" on "${table.name}" ("contact_id") where "contact_id" is not null` },
  ],
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    contact: () => p.manyToOne(Contact).nullable().deleteRule('set null').index(false),
    connection: () => p.manyToOne(Connection).nullable().deleteRule('set null').index(),
    /** INCOMING (`I`) or OUTGOING (`O`). */
    direction: p.string().length(1),
    date: p.datetime(),
    text: p.text(),
  }),
})
export type Message = InferEntity<typeof Message>

/** What a log row is made from. */
export interface LogEntry {
  contact?: ContactLike | null
  connection?: ConnectionLike | null
  direction: Direction
  date?: Date
  text: string
}

/** A log row as inserted: ids for the foreign keys. */
export interface LogRow {
  contact: number | null
  connection: number | null
  direction: Direction
  date: Date
  text: string
}

/**
 * Check a log entry and turn it into a row (RapidSMS's Message.save): it needs a contact or
 * a connection; when both are given the connection's contact must be that contact; a
 * connection's contact is copied onto the row (behaviour 52). Every writer of the log uses it.
 * @example await em.insert(Message, messageLogRow({ connection, direction: 'I', text: 'hello' }))
 */
export function messageLogRow(entry: LogEntry): LogRow {
  const { connection } = entry
  let contact = entry.contact ?? null
  if (!contact && !connection) {
    throw new ValidationError('contact', 'A valid (not null) contact or connection (but not both) must be provided to save the object.')
  }
  if (connection && contact && contact.id !== (connection.contact?.id ?? null)) {
    throw new ValidationError('contact', 'The connection and contact you tried to save did not match! You need to pick one or the other.')
  }
  if (connection?.contact) contact = connection.contact
  return {
    contact: contact?.id ?? null,
    connection: connection?.id ?? null,
    direction: entry.direction,
    date: entry.date ?? new Date(),
    text: entry.text,
  }
}
