import type { BackendContext } from '../../core/messages/index.js'
import type { MessageScope } from '../../core/scope.js'
import { BackendBase } from '../base.js'
import { migrations } from './migrations/index.js'
import { BackendMessage } from './models.js'

/**
 * Stores outgoing messages as rows instead of sending them (docs 7.3): one row per identity,
 * with the outgoing message id and the `external_id` of the message it answers.
 * Used by the message tester and in tests; it cannot receive messages from outside.
 *
 * A send whose message's unit the writer holds (a dialogue step sending its texts) queues
 * its rows there and returns: they commit with the unit's other writes (the reply's log row,
 * the step itself: see sendsInUnit), and the message finishes once they are committed.
 * Otherwise the send resolves once its rows are committed.
 */
export class DatabaseBackend extends BackendBase {
  static override entities = [BackendMessage]
  static override migrations = migrations
  static override admin = [{ entity: BackendMessage, readOnly: true, list: ['date', 'name', 'direction', 'identity', 'text', 'messageId', 'externalId'], search: ['identity', 'text'] }]

  /** Its sends are rows, queued in a held unit: see BackendBase.sendsInUnit. */
  override get sendsInUnit(): boolean {
    return true
  }

  override async send(id: string, text: string, identities: string[], context: BackendContext, scope?: MessageScope): Promise<void> {
    const date = this.router.clock.date()
    const externalId = context.external_id == null ? '' : String(context.external_id)
    const writer = this.router.db.writer
    const rows = identities.map((identity) => ({ name: this.name, direction: 'O', date, messageId: id, externalId, identity, text }))
    // Waiting here for a held unit would wait for its release, which comes after this send.
    if (scope && writer.holds(scope)) scope.track(writer.insert(BackendMessage, rows, scope))
    else await writer.insert(BackendMessage, rows)
  }
}

export { BackendMessage }
