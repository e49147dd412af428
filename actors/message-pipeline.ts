import { incomingMachine, MachineStepper, outgoingMachine, type PhaseMeta, type Step } from '../machines/index.js'
import { implementsPhase } from '../src/apps/index.js'
import { getLogger } from '../src/core/logger.js'
import { IncomingMessage, OutgoingMessage, type ResponseContext } from '../src/core/messages/index.js'
import type { AppActor } from './app.actor.js'
import type { BackendActor } from './backend.actor.js'
import { isThenable } from '../src/core/thenable.js'

const log = getLogger('rapidsms.router')

type PhaseOutcome = 'STOPPED' | 'COMPLETED'
const incoming = new MachineStepper(incomingMachine)
const outgoing = new MachineStepper(outgoingMachine)

/** The machines' named actions, as effects on the message. */
const ACTIONS: Record<string, (msg: IncomingMessage | OutgoingMessage) => void> = {
  markHandled: (msg) => {
    msg.handled = true
  },
  markProcessed: (msg) => {
    msg.processed = true
  },
}

export interface PipelineObserver {
  /** Every message handed to the router, before its phases (the harness's `inbound`). */
  incoming?(msg: IncomingMessage): void
  /** Every outgoing message, before its phases (the harness's `outbound`). */
  outgoing?(msg: OutgoingMessage): void
}

export interface PipelineOptions {
  apps: readonly AppActor[]
  backends: ReadonlyMap<string, BackendActor>
  /** Record messages but skip every phase (RapidSMS's TestRouter.disable_phases). */
  disablePhases?: boolean
  /** Hand an outgoing message to its backends some other way (the DatabaseRouter's). */
  deliver?: (msg: OutgoingMessage) => Promise<void>
  observer?: PipelineObserver
}

/**
 * Runs the message machines with their effects: each phase state calls the apps that
 * implement that phase, in the order its meta says, and answers STOPPED or COMPLETED;
 * the respond step sends queued replies through the outgoing machine; the deliver step
 * groups connections by backend and hands each group to its backend actor.
 */
export class MessagePipeline {
  readonly #lists = new Map<PhaseMeta, AppActor[]>()

  constructor(private readonly options: PipelineOptions) {}

  /** Run an incoming message through its phases and send its replies. */
  async receive(msg: IncomingMessage): Promise<void> {
    this.options.observer?.incoming?.(msg)
    if (!this.options.disablePhases) await this.#walk(incoming, msg)
  }

  /** Run an outgoing message through the outgoing phase and its backends; true if not cancelled. */
  async send(msg: OutgoingMessage): Promise<boolean> {
    this.options.observer?.outgoing?.(msg)
    if (this.options.disablePhases) return false
    return (await this.#walk(outgoing, msg)).state === 'sent'
  }

  /**
   * Step a message through its machine to a final state: apply the actions of each
   * transition, do the work of each state (a phase, replying, delivering) and answer its
   * outcome. Synchronous work costs no promise.
   */
  async #walk(stepper: MachineStepper, msg: IncomingMessage | OutgoingMessage): Promise<Step> {
    for (let step = stepper.initial; ; ) {
      for (const action of step.actions) ACTIONS[action]?.(msg)
      if (step.final) return step
      const meta = step.meta!
      let event: PhaseOutcome | Promise<PhaseOutcome> =
        'phase' in meta ? this.#runPhase(meta, msg) : meta.step === 'respond' ? this.#respond(msg as IncomingMessage) : this.#deliver(msg as OutgoingMessage)
      if (typeof event !== 'string') event = await event
      step = stepper.next(step, event)
    }
  }

  /**
   * Call the phase's apps; synchronous while they answer synchronously, so a message whose
   * apps never wait costs no promise per phase.
   */
  #runPhase(meta: PhaseMeta, msg: IncomingMessage | OutgoingMessage, from = 0): PhaseOutcome | Promise<PhaseOutcome> {
    const apps = this.#appsFor(meta)
    for (let i = from; i < apps.length; i++) {
      const result = apps[i]!.call(meta.phase, msg)
      if (isThenable(result)) return Promise.resolve(result).then((value) => this.#afterApp(meta, msg, i, value) ?? this.#runPhase(meta, msg, i + 1))
      const stopped = this.#afterApp(meta, msg, i, result)
      if (stopped) return stopped
    }
    return meta.stopWhenHandled && (msg as IncomingMessage).handled ? 'STOPPED' : 'COMPLETED'
  }

  /** 'STOPPED' when the app's result stops the phase. */
  #afterApp(meta: PhaseMeta, msg: IncomingMessage | OutgoingMessage, index: number, result: unknown): 'STOPPED' | undefined {
    if (meta.stopWhen === undefined || result !== meta.stopWhen) return undefined
    if (meta.phase === 'outgoing') {
      const app = this.#appsFor(meta)[index]!
      log.info({ msgId: msg.id, app: app.name }, `App '${app.name}' cancelled outgoing message`)
    }
    return 'STOPPED'
  }

  async #respond(msg: IncomingMessage): Promise<'COMPLETED'> {
    // Replies go out in the order they were queued, each through the outgoing machine.
    for (let i = 0; i < msg.responses.length; i++) await this.send(replyFor(msg.responses[i]!))
    return 'COMPLETED'
  }

  async #deliver(msg: OutgoingMessage): Promise<'COMPLETED'> {
    if (this.options.deliver) {
      await this.options.deliver(msg)
      return 'COMPLETED'
    }
    const context = msg.extraBackendContext()
    for (const [name, identities] of groupByBackend(msg)) {
      const backend = this.options.backends.get(name)
      if (!backend) {
        log.warn({ msgId: msg.id, backend: name }, `Router is not configured with the ${name} backend`)
        continue
      }
      await backend.deliver(msg.id, msg.text, identities, context)
    }
    return 'COMPLETED'
  }

  #appsFor(meta: PhaseMeta): AppActor[] {
    // Keyed by the meta object itself: the machines' metas are made once.
    let list = this.#lists.get(meta)
    if (!list) {
      list = this.options.apps.filter((actor) => implementsPhase(actor.app, meta.phase))
      if (meta.order === 'reverse') list.reverse()
      this.#lists.set(meta, list)
    }
    return list
  }
}

/** The outgoing message a queued reply describes. */
function replyFor(context: ResponseContext): OutgoingMessage {
  const { text, connections, inResponseTo, messageClass, fields } = context
  const MessageClass = messageClass ?? OutgoingMessage
  return new MessageClass({ text, connections, inResponseTo, fields: (fields as Record<string, unknown>) ?? {} })
}

/** Identities per backend name, in the order backends first appear (behaviour 24). */
export function groupByBackend(msg: OutgoingMessage): Map<string, string[]> {
  const groups = new Map<string, string[]>()
  for (const connection of msg.connections) {
    const name = connection.backend.name
    const identities = groups.get(name)
    if (identities) identities.push(connection.identity)
    else groups.set(name, [connection.identity])
  }
  return groups
}
