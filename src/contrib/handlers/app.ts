import { AppBase } from '../../apps/base.js'
import { getLogger } from '../../core/logger.js'
import type { IncomingMessage } from '../../core/messages/index.js'
import { isThenable } from '../../core/thenable.js'
import type { HandlerClass } from './handlers/base.js'

const log = getLogger('rapidsms.contrib.handlers')

/**
 * Offers every incoming message, in its handle phase, to the handler classes of the
 * `handlers` setting (RAPIDSMS_HANDLERS) in list order; the first that accepts it wins and
 * the message is handled (behaviour 28). When none accepts, processing goes on.
 */
export class HandlersApp extends AppBase {
  static override appName = 'handlers'

  get handlers(): HandlerClass[] {
    return this.router.settings.handlers as HandlerClass[]
  }

  override start(): void {
    if (this.handlers.length) log.info({ handlers: this.handlers.map((h) => h.name) }, `Registered: ${this.handlers.map((h) => h.name).join(', ')}`)
  }

  /** Synchronous while the handlers' dispatch is: a message costs no promise unless one waits. */
  override handle(msg: IncomingMessage): boolean | Promise<boolean> {
    return this.#dispatchFrom(msg, 0)
  }

  /** Offer the message to the handlers from `first` on, in order, until one accepts it. */
  #dispatchFrom(msg: IncomingMessage, first: number): boolean | Promise<boolean> {
    const handlers = this.handlers
    for (let i = first; i < handlers.length; i++) {
      const handler = handlers[i]!
      // RapidSMS takes any truthy dispatch result as "accepted".
      const accepted = handler.dispatch(this.router, msg)
      if (isThenable(accepted)) return Promise.resolve(accepted).then((value) => (value ? this.#accepted(msg, handler) : this.#dispatchFrom(msg, i + 1)))
      if (accepted) return this.#accepted(msg, handler)
    }
    return false
  }

  #accepted(msg: IncomingMessage, handler: HandlerClass): true {
    log.debug({ msgId: msg.id, handler: handler.name }, `Incoming message handled by ${handler.name}`)
    return true
  }
}
