import type { BackendBase } from '../src/backends/base.js'
import { getLogger, type Logger } from '../src/core/logger.js'
import type { BackendContext } from '../src/core/messages/index.js'

/**
 * Owns one configured backend. Apps never see its failures: a send that throws is logged
 * as "<name> encountered an error while sending." with the message id, counted, and
 * reported as `false` (behaviour 25).
 */
export class BackendActor {
  readonly name: string
  sent = 0
  failed = 0
  readonly #log: Logger

  constructor(readonly backend: BackendBase) {
    this.name = backend.name
    this.#log = getLogger(`rapidsms.backends.${this.name}`)
  }

  /** Send one message to the identities of this backend; true when the backend accepted it. */
  async deliver(id: string, text: string, identities: string[], context: BackendContext): Promise<boolean> {
    try {
      await this.backend.send(id, text, identities, context)
      this.sent++
      return true
    } catch (error) {
      this.failed++
      this.#log.error({ err: error, msgId: id, backend: this.name, identities }, `${this.name} encountered an error while sending.`)
      return false
    }
  }

  start(): Promise<void> | void {
    return this.backend.start()
  }

  stop(): Promise<void> | void {
    return this.backend.stop()
  }
}
