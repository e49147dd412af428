import type { RouterServices } from '../../../apps/router.js'
import type { IncomingMessage } from '../../../core/messages/index.js'
import { BaseHandler } from '../../handlers/index.js'

/**
 * Answers exactly `ping` (case-sensitive, no surrounding whitespace) with `pong`, to check
 * remotely that the router is alive (docs 21.2, behaviour 38).
 */
export class PingHandler extends BaseHandler {
  static override dispatch(_router: RouterServices, msg: IncomingMessage): boolean {
    if (msg.text !== 'ping') return false
    msg.respond('pong')
    return true
  }
}
