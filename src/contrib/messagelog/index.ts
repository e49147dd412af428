/** rapidsms/contrib/messagelog: a record of every message received and sent (docs 21.6). */
export { MessageLogApp } from './app.js'
export { Message, messageLogRow, INCOMING, OUTGOING, type Direction, type LogEntry, type LogRow } from './models.js'
