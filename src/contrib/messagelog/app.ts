import { AppBase } from '../../apps/base.js'
import { ValidationError } from '../../core/errors.js'
import type { IncomingMessage, MessageBase, OutgoingMessage } from '../../core/messages/index.js'
import { migrations } from './migrations/index.js'
import { messageLogPages } from './pages.js'
import { INCOMING, Message, messageLogRow, OUTGOING, type Direction, type LogRow } from './models.js'

declare module '../../core/messages/base.js' {
  interface MessageBase {
    /** The message log row of this message, once the messagelog app saw it. */
    loggerMsg?: LogRow
  }
}

/**
 * Keeps a record of every message received and sent (docs 21.6): one `I` row per incoming
 * message in the parse phase (its raw text) and one `O` row per outgoing message (its text),
 * for the first connection and its contact (behaviours 50-53). Rows go through the
 * group-commit writer: the message finishes once its rows are committed, and concurrent
 * messages share one transaction.
 */
export class MessageLogApp extends AppBase {
  static override appName = 'messagelog'
  static override entities = [Message]
  static override migrations = migrations
  static override pages = messageLogPages
  static override admin = [{ entity: Message, readOnly: true, list: ['date', 'direction', 'contact', 'connection', 'text'], search: ['text'] }]

  override parse(msg: IncomingMessage): void {
    msg.loggerMsg = this.log(INCOMING, msg)
  }

  override outgoing(msg: OutgoingMessage): void {
    msg.loggerMsg = this.log(OUTGOING, msg)
  }

  log(direction: Direction, msg: MessageBase): LogRow {
    const connection = msg.connections[0]
    if (!connection) throw new ValidationError('connections', `message ${msg.id} has no connection to log`)
    // Incoming messages are logged as received, whatever earlier apps did to msg.text.
    const text = direction === INCOMING ? msg.rawText : msg.text
    const row = messageLogRow({ connection, contact: connection.contact, direction, text, date: this.router.clock.date() })
    // In the unit of the message's scope: an app holding it (a dialogue step) commits with it.
    msg.scope.track(this.router.db.writer.insert(Message, row, msg.scope))
    return row
  }
}
