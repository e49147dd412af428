import type { AppBase, Phase } from '../src/apps/index.js'
import type { Inspector } from '../src/core/inspection.js'
import { getLogger } from '../src/core/logger.js'
import type { MessageBase } from '../src/core/messages/index.js'
import { isThenable } from '../src/core/thenable.js'

const log = getLogger('rapidsms.apps')

/**
 * Owns one installed app. Apps are called concurrently by many connection actors, so this
 * actor does not serialise calls; it isolates them: an app that throws (or rejects) is
 * logged with the message id and app name, counted, and treated as returning nothing, so
 * the message and the host go on (our deliberate difference 19; 22 for outgoing). The
 * error is recorded on the message's envelope (the DatabaseRouter then marks it `E`) and on
 * the inspection stream.
 */
export class AppActor {
  readonly name: string
  /** Exceptions raised by the app, by phase. */
  readonly errors: Record<Phase, number> = { filter: 0, parse: 0, handle: 0, default: 0, cleanup: 0, outgoing: 0 }

  constructor(
    readonly app: AppBase,
    private readonly inspector?: Inspector,
  ) {
    this.name = app.name
  }

  /** Call a phase; returns the app's result (or a promise of it); never throws. */
  call(phase: Phase, msg: MessageBase): unknown {
    try {
      const result = (this.app[phase] as (m: MessageBase) => unknown)(msg)
      return isThenable(result) ? Promise.resolve(result).catch((error: unknown) => this.#failed(phase, msg, error)) : result
    } catch (error) {
      return this.#failed(phase, msg, error)
    }
  }

  #failed(phase: Phase, msg: MessageBase, error: unknown): undefined {
    this.errors[phase]++
    const record = { app: this.name, phase, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }
    msg.envelope.appErrors.push(record)
    this.inspector?.emit('app.error', { msgId: msg.id, ...record })
    log.error({ err: error, msgId: msg.id, app: this.name, phase }, `${this.name} raised an error in ${phase}`)
    return undefined
  }

  get errorCount(): number {
    return Object.values(this.errors).reduce((a, b) => a + b, 0)
  }

  start(): Promise<void> | void {
    return this.app.start()
  }

  stop(): Promise<void> | void {
    return this.app.stop()
  }
}
