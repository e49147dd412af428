import { defineEntity, type InferEntity } from '@mikro-orm/core'
import { BACKEND_NAME_MAX } from '../../core/config.js'

/** A message the database backend "sent" (or, for the message tester, received). */
export const BackendMessage = defineEntity({
  name: 'BackendMessage',
  tableName: 'database_backendmessage',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    /** The configured backend name. */
    name: p.string().length(BACKEND_NAME_MAX).index(),
    /** `I` incoming, `O` outgoing. */
    direction: p.string().length(1),
    date: p.datetime(),
    messageId: p.string().length(64),
    externalId: p.string().length(64).default(''),
    identity: p.string().length(100),
    text: p.text(),
  }),
})
export type BackendMessage = InferEntity<typeof BackendMessage>
