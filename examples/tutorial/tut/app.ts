import { AppBase, type IncomingMessage } from 'rapidsms'

/** Tutorial part 1: answers "ping" (exactly, all lower-case) with "pong". */
export class PingPong extends AppBase {
  override handle(msg: IncomingMessage) {
    if (msg.text === 'ping') {
      msg.respond('pong')
      return true
    }
    return false
  }
}
