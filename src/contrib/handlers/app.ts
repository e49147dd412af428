import { AppBase } from '../../apps/base.js'
import { getLogger } from '../../core/logger.js'
import type { IncomingMessage } from '../../core/messages/index.js'
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

  override async handle(msg: IncomingMessage): Promise<boolean> {
    for (const handler of this.handlers) {
      // RapidSMS takes any truthy dispatch result as "accepted".
      if (await handler.dispatch(this.router, msg)) {
        log.debug({ msgId: msg.id, handler: handler.name }, `Incoming message handled by ${handler.name}`)
        return true
      }
    }
    return false
  }
}
