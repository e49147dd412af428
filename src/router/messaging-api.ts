import type { SendOptions } from '../apps/index.js'
import type { BulkOptions, BulkRecipients, BulkResult } from '../core/bulk.js'
import type { ConnectionLike, IncomingMessage, MessageFields, OutgoingMessage } from '../core/messages/index.js'
import type { Connection } from '../models/index.js'
import { getRouter } from './active-router.js'

/**
 * Create an incoming message from a connection and process it (docs 8.1.1).
 * @example await receive('echo hello', connection)
 */
export function receive(text: string, connection: ConnectionLike, fields: MessageFields = {}): Promise<IncomingMessage> {
  return getRouter().receive(text, connection, fields)
}

/**
 * Send a message to one connection or many (docs 8.1.2).
 * @example await send('hello', await lookupConnections('kannel', ['+254700000001']))
 */
export function send(text: string, connections: ConnectionLike | ConnectionLike[], options?: SendOptions): Promise<OutgoingMessage> {
  return getRouter().send(text, connections, options)
}

/**
 * Send one text to any number of recipients as a bulk job: stored, sent per backend in
 * batches of `dbRouterBatchSize`, paced by each backend, with a status per recipient; a
 * second call with the same `idempotencyKey` sends nothing again (it reports the job, or goes
 * on where it stopped).
 * @example const job = await sendBulk('Clinic closed today', readNumbers(), { idempotencyKey: 'closure-12-02' })
 */
export function sendBulk(text: string, recipients: BulkRecipients, options?: BulkOptions): Promise<BulkResult> {
  return getRouter().sendBulk(text, recipients, options)
}

/**
 * One connection per identity on a backend, created when missing (docs 8.1.7).
 * @example const [connection] = await lookupConnections('message_tester', ['1112223333'])
 */
export function lookupConnections(backend: string | { name: string }, identities: string[]): Promise<Connection[]> {
  return getRouter().lookupConnections(backend, identities)
}
