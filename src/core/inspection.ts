import type { Clock } from './clock.js'
import { getLogger } from './logger.js'
import type { IncomingMessage, OutgoingMessage } from './messages/index.js'

/** What kind of actor started or stopped. */
export type ActorKind = 'host' | 'app' | 'backend' | 'connection' | (string & {})

/**
 * Every event of the inspection stream, by type. Parts that come later add their own by
 * declaration merging (`declare module 'rapidsms/core/inspection' { interface InspectionEvents {...} }`).
 * Fields are plain data, except `message`: the live message, for subscribers in this process
 * (it is left out when events leave the process).
 */
export interface InspectionEvents {
  /** An incoming message was handed to the router, before its phases. */
  'message.received': { msgId: string; backend: string; identity: string; text: string; message: IncomingMessage }
  /** An outgoing message (a reply or a send), before its outgoing phase. */
  'message.sending': { msgId: string; inResponseTo?: string; text: string; backends: string[]; message: OutgoingMessage }
  /** An incoming message went through every phase and its replies were handed on. */
  'message.processed': { msgId: string; handled: boolean; appErrors: number }
  /** A message entered a phase of its machine. */
  'phase.entered': { msgId: string; phase: string }
  /** A message left a phase; `stoppedBy` names the app whose answer stopped it. */
  'phase.left': { msgId: string; phase: string; outcome: 'STOPPED' | 'COMPLETED'; stoppedBy?: string }
  /** An app queued a reply with respond() or error(); the pipeline takes it after the phases. */
  'reply.queued': { msgId: string; text: string; identities: string[] }
  /** An app raised an error (it counts as not stopping the phase). */
  'app.error': { msgId: string; app: string; phase: string; error: string }
  /** A backend actor tries to hand a message to its backend (attempt 1, 2...). */
  'send.attempted': { msgId: string; backend: string; identities: string[]; attempt: number }
  'send.succeeded': { msgId: string; backend: string; identities: string[]; attempts: number }
  /** A send failed; `final` when it will not be retried. */
  'send.failed': { msgId: string; backend: string; identities: string[]; attempt: number; final: boolean; error: string; retryInMs?: number }
  /** A gateway reported what became of an outgoing message to one identity. */
  'status.reported': { msgId: string; identity: string; outcome: 'delivered' | 'failed'; backend?: string }
  /** A dialogue session took one event (its start, a reply, a timer, a stop word) and stored the step. */
  'session.stepped': { sessionId: string; dialogue: string; seq: number; event: string; before: string | null; after: string; status: string; sends: number }
  /** The scheduler armed a wake time: `key` of `source` is due `at` (epoch ms). */
  'timer.armed': { source: string; key: string; at: number }
  /** A wake time fell due and went to its source, `latenessMs` after it was due. */
  'timer.fired': { source: string; key: string; at: number; latenessMs: number }
  /** A wake time was dropped when it fell due: what it was armed for has moved on (a stale version). */
  'timer.dropped': { source: string; key: string; at: number; reason: string }
  'actor.started': { kind: ActorKind; name: string }
  /** An actor began to stop: it takes no new work and finishes what it has (the host: Ctrl-C). */
  'actor.stopping': { kind: ActorKind; name: string }
  'actor.stopped': { kind: ActorKind; name: string }
}

export type InspectionType = keyof InspectionEvents
/** One event: its type, when it happened (the host's clock, epoch ms) and its fields. */
export type InspectionEvent<T extends InspectionType = InspectionType> = { [K in T]: { type: K; at: number } & InspectionEvents[K] }[T]
export type InspectionListener<T extends InspectionType = InspectionType> = (event: InspectionEvent<T>) => void

const log = getLogger('rapidsms.inspection')

/**
 * The one stream of what happens in a host: the pipeline, the actors and the routers emit
 * typed events here; tests, metrics and the visualizer subscribe (xstate's `system.inspect`
 * in spirit). Emitting costs nothing while nobody listens: callers on hot paths check
 * `active` before they build an event. A listener that throws is logged and does not stop
 * the others or the emitter.
 * @example
 * const off = host.inspector.on('send.failed', (e) => console.log(e.backend, e.error))
 */
export class Inspector {
  #all = new Set<InspectionListener>()
  #byType = new Map<InspectionType, Set<InspectionListener<any>>>()
  #active = false

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  /** Is anybody listening (to anything)? */
  get active(): boolean {
    return this.#active
  }

  /** Is anybody listening to events of this type? */
  wants(type: InspectionType): boolean {
    return this.#all.size > 0 || (this.#byType.get(type)?.size ?? 0) > 0
  }

  emit<T extends InspectionType>(type: T, fields: InspectionEvents[T]): void {
    if (!this.#active) return
    const typed = this.#byType.get(type)
    if (!this.#all.size && !typed?.size) return
    const event = { type, at: this.clock.now(), ...fields } as unknown as InspectionEvent
    for (const listener of this.#all) this.#call(listener, event)
    if (typed) for (const listener of typed) this.#call(listener, event)
  }

  /** Listen to every event; returns the function that stops listening. */
  subscribe(listener: InspectionListener): () => void {
    this.#all.add(listener)
    this.#active = true
    return () => {
      this.#all.delete(listener)
      this.#refresh()
    }
  }

  /** Listen to one type of event; returns the function that stops listening. */
  on<T extends InspectionType>(type: T, listener: InspectionListener<T>): () => void {
    let set = this.#byType.get(type)
    if (!set) this.#byType.set(type, (set = new Set()))
    set.add(listener)
    this.#active = true
    return () => {
      set.delete(listener)
      this.#refresh()
    }
  }

  #refresh(): void {
    this.#active = this.#all.size > 0 || [...this.#byType.values()].some((s) => s.size > 0)
  }

  #call(listener: InspectionListener<any>, event: InspectionEvent): void {
    try {
      listener(event)
    } catch (error) {
      log.error({ err: error, event: event.type }, 'an inspection listener raised an error')
    }
  }
}

/** An event without its live message, as it travels on the bus (`rapidsms.events.<type>`). */
export function portableEvent(event: InspectionEvent): Record<string, unknown> {
  const { message: _message, ...rest } = event as InspectionEvent & { message?: unknown }
  return rest
}
