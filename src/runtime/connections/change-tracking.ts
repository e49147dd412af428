import { ChangeSetType, type EventSubscriber, type FlushEventArgs } from '@mikro-orm/core'
import type { ConnectionActor } from '../../../actors/connection.actor.js'
import { Connection, Contact } from '../../models/index.js'

/**
 * Connection actors keep their row, contact included, between messages. A flush that
 * changed or deleted a Connection or a Contact (an app, an admin page, a fixture: any
 * EntityManager of this database) marks the conversations it touches, which reload their
 * row before their next message. A created row is no conversation's yet (linking it
 * changes the connection), so creations cost no look at the conversations. Changes made
 * with raw SQL are not seen until the conversation has been idle for `connectionIdleMs`.
 */
export function changeTracker(actors: () => Iterable<ConnectionActor>): EventSubscriber {
  return {
    afterFlush({ uow }: FlushEventArgs): void {
      const connections = new Set<unknown>()
      const contacts = new Set<unknown>()
      for (const change of uow.getChangeSets()) {
        if (change.type === ChangeSetType.CREATE) continue
        if (change.name === Connection.meta.className) connections.add(change.getPrimaryKey())
        else if (change.name === Contact.meta.className) contacts.add(change.getPrimaryKey())
      }
      if (!connections.size && !contacts.size) return
      for (const actor of actors()) {
        const { id, contact } = actor.connection
        if (connections.has(id) || (contact && contacts.has(contact.id))) actor.stale = true
      }
    },
  }
}
