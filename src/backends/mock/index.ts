import type { BackendContext } from '../../core/messages/index.js'
import { BackendBase } from '../base.js'

/** One call of `send()` as the mock backend recorded it. */
export interface SentMessage {
  id: string
  text: string
  identities: string[]
  context: BackendContext
}

/**
 * A backend for tests: keeps what it is asked to send in `outbox` instead of sending it.
 * Set `fail` to make every send throw (to test error handling).
 */
export class MockBackend extends BackendBase {
  readonly outbox: SentMessage[] = []
  fail: Error | undefined

  override send(id: string, text: string, identities: string[], context: BackendContext): void {
    if (this.fail) throw this.fail
    this.outbox.push({ id, text, identities: [...identities], context: { ...context } })
  }
}
