import type { BackendActor, DeliveryOutcome } from '../../actors/backend.actor.js'
import { chunked, groupBy } from '../core/group-by.js'
import { getLogger } from '../core/logger.js'
import type { BackendContext, OutgoingMessage } from '../core/messages/index.js'
import type { MessageScope } from '../core/scope.js'

const log = getLogger('rapidsms.router')

/**
 * The one way a message reaches its backends, for every routing strategy: a send per backend
 * through that backend's actor (which paces and retries), and the warning RapidSMS logs for a
 * backend the router is not configured with.
 */
export class DeliveryPath {
  constructor(private readonly backends: ReadonlyMap<string, BackendActor>) {}

  /**
   * One send of a message to identities of one backend; what became of it, or undefined when
   * no backend of that name is configured (logged, nothing sent). `scope`: the message's own,
   * when it has one (see BackendBase.send).
   */
  async toBackend(name: string, id: string, text: string, identities: string[], context: BackendContext, scope?: MessageScope): Promise<DeliveryOutcome | undefined> {
    const actor = this.backends.get(name)
    if (!actor) {
      log.warn({ msgId: id, backend: name }, `Router is not configured with the ${name} backend`)
      return undefined
    }
    return actor.deliverReporting(id, text, identities, context, scope)
  }

  /** Are the sends of backend `name` only rows of a held unit they are handed (BackendBase.sendsInUnit)? */
  sendsInUnit(name: string): boolean {
    return this.backends.get(name)?.backend.sendsInUnit === true
  }

  /**
   * An outgoing message to every backend of its connections, one after the other, each in
   * sends of at most `batchSize` identities, one at a time (the blocking router; a message to
   * thousands of connections never hands a backend thousands of identities at once).
   */
  async sendMessage(msg: OutgoingMessage, batchSize = Infinity): Promise<void> {
    const context = msg.extraBackendContext()
    for (const [name, connections] of groupBy(msg.connections, (c) => c.backend.name)) {
      for (const identities of chunked(connections, batchSize)) await this.toBackend(name, msg.id, msg.text, identities.map((c) => c.identity), context, msg.scope)
    }
  }
}
