import type { BackendContext } from '../../core/messages/index.js'
import { BackendBase } from '../base.js'
import { migrations } from './migrations/index.js'
import { BackendMessage } from './models.js'

/**
 * Stores outgoing messages as rows instead of sending them (docs 7.3): one row per identity,
 * with the outgoing message id and the `external_id` of the message it answers.
 * Used by the message tester and in tests; it cannot receive messages from outside.
 */
export class DatabaseBackend extends BackendBase {
  static override entities = [BackendMessage]
  static override migrations = migrations
  static override admin = [{ entity: BackendMessage, readOnly: true, list: ['date', 'name', 'direction', 'identity', 'text', 'messageId', 'externalId'], search: ['identity', 'text'] }]

  override async send(id: string, text: string, identities: string[], context: BackendContext): Promise<void> {
    const date = this.router.clock.date()
    const externalId = context.external_id == null ? '' : String(context.external_id)
    await this.router.db.writer.insert(
      BackendMessage,
      identities.map((identity) => ({ name: this.name, direction: 'O', date, messageId: id, externalId, identity, text })),
    )
  }
}

export { BackendMessage }
