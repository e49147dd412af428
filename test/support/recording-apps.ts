import { AppBase, type IncomingMessage, type OutgoingMessage, type Phase } from '../../src/index.js'

/** Calls made to recording apps, in order: "<app>.<phase>:<text>". */
export const calls: string[] = []

type Behaviour = Partial<Record<Phase, (msg: IncomingMessage & OutgoingMessage) => unknown>>

/**
 * An app class that records every phase call in `calls` and then does what `behaviour` says
 * for that phase (return a value, respond, throw...).
 */
export function recordingApp(name: string, behaviour: Behaviour = {}): typeof AppBase & (new (...args: any[]) => AppBase) {
  const App = class extends AppBase {
    static override appName = name
    #record(phase: Phase, msg: IncomingMessage | OutgoingMessage): unknown {
      calls.push(`${name}.${phase}:${msg.text}`)
      return behaviour[phase]?.(msg as IncomingMessage & OutgoingMessage)
    }
    override filter(msg: IncomingMessage) {
      return this.#record('filter', msg)
    }
    override parse(msg: IncomingMessage) {
      return this.#record('parse', msg)
    }
    override handle(msg: IncomingMessage) {
      return this.#record('handle', msg)
    }
    override default(msg: IncomingMessage) {
      return this.#record('default', msg)
    }
    override cleanup(msg: IncomingMessage) {
      return this.#record('cleanup', msg)
    }
    override outgoing(msg: OutgoingMessage) {
      return this.#record('outgoing', msg)
    }
  }
  Object.defineProperty(App, 'name', { value: name })
  return App as unknown as typeof AppBase & (new (...args: any[]) => AppBase)
}

/** The calls of one phase, e.g. phaseCalls('handle') -> ['a', 'b']. */
export function phaseCalls(phase: Phase): string[] {
  return calls.filter((c) => c.split(':')[0]!.endsWith(`.${phase}`)).map((c) => c.split('.')[0]!)
}
