import { incomingMachine, MachineStepper, outgoingMachine, type PhaseMeta, type Step } from '../machines/index.js'
import { implementsPhase } from '../src/apps/index.js'
import type { Inspector } from '../src/core/inspection.js'
import { getLogger } from '../src/core/logger.js'
import { IncomingMessage, OutgoingMessage, type ResponseContext } from '../src/core/messages/index.js'
import { isThenable } from '../src/core/thenable.js'
import type { AppActor } from './app.actor.js'

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

export interface PipelineOptions {
  apps: readonly AppActor[]
  /** Hand an outgoing message that passed its outgoing phase to its backends (the routing strategy's). */
  deliver: (msg: OutgoingMessage) => Promise<void>
  /** Where the pipeline tells what happens: messages received and sending, phases entered and left, replies queued. */
  inspector: Inspector
  /** Record messages but skip every phase (RapidSMS's TestRouter.disable_phases). */
  disablePhases?: boolean
}

/** While a message is inspected: which app stopped the phase it is in. */
interface Trace {
  stoppedBy?: string
}

/**
 * Runs the message machines with their effects: each phase state calls the apps that
 * implement that phase, in the order its meta says, and answers STOPPED or COMPLETED;
 * the respond step sends queued replies through the outgoing machine; the deliver step
 * hands the message to the routing strategy's delivery. Every message is on the inspection
 * stream (`message.received`, `message.sending`); its phases and replies too while someone
 * listens to them.
 */
export class MessagePipeline {
  readonly #lists = new Map<PhaseMeta, AppActor[]>()

  constructor(private readonly options: PipelineOptions) {}

  /** Does any app take part in the outgoing phase (so it sees each outgoing message's connections)? */
  get hasOutgoingApps(): boolean {
    return !this.options.disablePhases && this.options.apps.some((actor) => implementsPhase(actor.app, 'outgoing'))
  }

  /** Run an incoming message through its phases and send its replies. */
  async receive(msg: IncomingMessage): Promise<void> {
    const { inspector } = this.options
    if (inspector.active) {
      const connection = msg.connections[0]
      inspector.emit('message.received', { msgId: msg.id, backend: connection?.backend.name ?? '', identity: connection?.identity ?? '', text: msg.text, message: msg })
    }
    if (this.options.disablePhases) return
    await this.#walk(incoming, msg)
    if (inspector.active) inspector.emit('message.processed', { msgId: msg.id, handled: msg.handled, appErrors: msg.envelope.appErrors.length })
  }

  /**
   * Run an outgoing message through the outgoing phase and its backends; true if not
   * cancelled. `deliver` hands it on instead of the routing strategy (a bulk job's batch).
   */
  async send(msg: OutgoingMessage, deliver = this.options.deliver): Promise<boolean> {
    const { inspector } = this.options
    if (inspector.active) {
      const backends = [...new Set(msg.connections.map((c) => c.backend.name))]
      inspector.emit('message.sending', { msgId: msg.id, inResponseTo: msg.inResponseTo?.id, text: msg.text, backends, message: msg })
    }
    if (this.options.disablePhases) return false
    return (await this.#walk(outgoing, msg, deliver)).state === 'sent'
  }

  /**
   * Step a message through its machine to a final state: apply the actions of each
   * transition, do the work of each state (a phase, replying, delivering) and answer its
   * outcome. Synchronous work costs no promise.
   */
  async #walk(stepper: MachineStepper, msg: IncomingMessage | OutgoingMessage, deliver = this.options.deliver): Promise<Step> {
    const { inspector } = this.options
    const trace: Trace | undefined = inspector.active && (inspector.wants('phase.entered') || inspector.wants('phase.left')) ? {} : undefined
    for (let step = stepper.initial; ; ) {
      for (const action of step.actions) ACTIONS[action]?.(msg)
      if (step.final) return step
      const meta = step.meta!
      const phase = 'phase' in meta ? meta.phase : meta.step
      if (trace) inspector.emit('phase.entered', { msgId: msg.id, phase })
      let event: PhaseOutcome | Promise<PhaseOutcome> =
        'phase' in meta ? this.#runPhase(meta, msg, 0, trace) : meta.step === 'respond' ? this.#respond(msg as IncomingMessage) : this.#deliver(msg as OutgoingMessage, deliver)
      if (typeof event !== 'string') event = await event
      if (trace) {
        inspector.emit('phase.left', { msgId: msg.id, phase, outcome: event, ...(trace.stoppedBy !== undefined && { stoppedBy: trace.stoppedBy }) })
        trace.stoppedBy = undefined
      }
      step = stepper.next(step, event)
    }
  }

  /**
   * Call the phase's apps; synchronous while they answer synchronously, so a message whose
   * apps never wait costs no promise per phase.
   */
  #runPhase(meta: PhaseMeta, msg: IncomingMessage | OutgoingMessage, from: number, trace: Trace | undefined): PhaseOutcome | Promise<PhaseOutcome> {
    const apps = this.#appsFor(meta)
    for (let i = from; i < apps.length; i++) {
      const result = apps[i]!.call(meta.phase, msg)
      if (isThenable(result)) return Promise.resolve(result).then((value) => this.#afterApp(meta, msg, i, value, trace) ?? this.#runPhase(meta, msg, i + 1, trace))
      const stopped = this.#afterApp(meta, msg, i, result, trace)
      if (stopped) return stopped
    }
    return meta.stopWhenHandled && (msg as IncomingMessage).handled ? 'STOPPED' : 'COMPLETED'
  }

  /** 'STOPPED' when the app's result stops the phase. */
  #afterApp(meta: PhaseMeta, msg: IncomingMessage | OutgoingMessage, index: number, result: unknown, trace: Trace | undefined): 'STOPPED' | undefined {
    if (meta.stopWhen === undefined || result !== meta.stopWhen) return undefined
    const app = this.#appsFor(meta)[index]!
    if (trace) trace.stoppedBy = app.name
    if (meta.phase === 'outgoing') log.info({ msgId: msg.id, app: app.name }, `App '${app.name}' cancelled outgoing message`)
    return 'STOPPED'
  }

  async #respond(msg: IncomingMessage): Promise<'COMPLETED'> {
    const { inspector } = this.options
    // Replies go out in the order they were queued, each through the outgoing machine.
    for (let i = 0; i < msg.responses.length; i++) {
      const reply = msg.responses[i]!
      if (inspector.active) inspector.emit('reply.queued', { msgId: msg.id, text: reply.text, identities: reply.connections.map((c) => c.identity) })
      await this.send(replyFor(reply))
    }
    return 'COMPLETED'
  }

  async #deliver(msg: OutgoingMessage, deliver: (msg: OutgoingMessage) => Promise<void>): Promise<'COMPLETED'> {
    await deliver(msg)
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
