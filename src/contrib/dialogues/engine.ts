import { createActor, type AnyActorRef, type AnyActorScope, type AnyEventObject, type AnyMachineSnapshot, type AnyStateMachine, type EventObject, type StateValue } from 'xstate'
import type { Dialogue } from './define.js'
import { EXPIRED, REPLY, SAY, STOPPED } from './helpers.js'
import { afterQuietHours, type QuietHours } from './quiet-hours.js'
import type { Text } from './texts.js'

export type SessionStatus = 'active' | 'completed' | 'expired' | 'interrupted' | 'failed'

/** A delayed event a step armed (an xstate `after`, or the session's expiry), due at `at` (epoch ms). */
export interface StoredTimer {
  id: string
  event: EventObject
  at: number
}

/** What is stored of a session between its steps. */
export interface SessionState {
  /** The machine's persisted snapshot (JSON). */
  snapshot: Record<string, unknown>
  timers: StoredTimer[]
  /** Events applied so far. */
  steps: number
}

/** The limits a session runs under (the dialogue's own, else the settings'). */
export interface SessionLimits {
  expireAfterMs: number
  maxSteps: number
  quietHours: QuietHours | null
}

/** One step: the state after it, what it sends, how the session stands. */
export interface StepOutcome {
  state: SessionState
  status: SessionStatus
  /** The outbox: texts for the session's connection, in order (sent once the step is stored). */
  sends: Text[]
  event: EventObject
  /** The state before and after, dotted (`age.waiting`); null before the start. */
  before: string | null
  after: string
  /** Why the session failed. */
  failure?: string
  context: unknown
  output?: unknown
  /** The machine's snapshot after the step, which `state.snapshot` persists (absent when the step failed before a transition). */
  machineSnapshot?: AnyMachineSnapshot
}

/** The id of the session's own expiry timer. */
export const EXPIRY = 'dialogue.expire'
/** The event a session starts with, in its step log. */
export const START = 'dialogue.start'

/** `{ age: 'waiting' }` as `age.waiting` (parallel regions joined with `,`). */
export function stateKey(value: StateValue | unknown): string {
  if (typeof value === 'string') return value
  if (!value || typeof value !== 'object') return String(value)
  const parts = Object.entries(value as Record<string, StateValue>).map(([key, child]) => {
    const inner = stateKey(child)
    return inner ? `${key}.${inner}` : key
  })
  return parts.length === 1 ? parts[0]! : `(${parts.join(',')})`
}

/** An action a step collected (xstate's executable action: not run here). */
type Collected = { type: string; params?: unknown }

/** Per machine, the scope its steps run in: `self` an actor of it, never started. */
const inertScopes = new WeakMap<AnyStateMachine, AnyActorScope>()
/** Where the scopes put the actions of the step running now (steps are synchronous). */
let collecting: Collected[] = []
const noop = () => {}
const collect = (action: Collected) => void collecting.push(action)

function inertScope(machine: AnyStateMachine): AnyActorScope {
  let scope = inertScopes.get(machine)
  if (!scope) {
    const self: AnyActorRef = createActor(machine)
    scope = { self, id: '', sessionId: '', logger: noop, defer: noop, emit: noop, stopChild: noop, system: self.system, actionExecutor: collect }
    inertScopes.set(machine, scope)
  }
  return scope
}

/**
 * xstate's pure `transition()` and `initialTransition()`, returning the next snapshot and the
 * actions to execute, without the actor those make on every call (whose construction computes
 * the machine's initial state: as much work as the step itself). The scope is one per
 * machine, made once: its `self` an actor never started, its system that actor's; a step
 * that leaves child actors (which a dialogue does not keep: they would register in that
 * system) or throws gets the next step a new one, as xstate gives each call a fresh system.
 */
function pure(machine: AnyStateMachine, step: (scope: AnyActorScope) => AnyMachineSnapshot): [AnyMachineSnapshot, Collected[]] {
  const [outer, actions] = [collecting, (collecting = [])]
  let next: AnyMachineSnapshot | undefined
  try {
    next = step(inertScope(machine))
  } finally {
    collecting = outer
    if (!next || Object.keys(next.children).length) inertScopes.delete(machine)
  }
  return [next, actions]
}

/** The texts and timers of a step's actions; other actions run now (they can only log or compute). */
function effects(actions: Collected[], timers: StoredTimer[], now: number, limits: SessionLimits): Text[] {
  const sends: Text[] = []
  for (const action of actions) {
    const params = action.params as Record<string, any> | undefined
    if (action.type === 'xstate.emit' && params?.event?.type === SAY) {
      const { text, values } = params.event as { text: string; values?: Record<string, unknown> }
      sends.push(values ? { text, values } : { text })
    } else if (action.type === 'xstate.raise' && params?.delay !== undefined) {
      const id = String(params.id ?? params.event.type)
      const at = afterQuietHours(now + Number(params.delay), limits.quietHours)
      const index = timers.findIndex((t) => t.id === id)
      const timer = { id, event: params.event as EventObject, at }
      if (index >= 0) timers[index] = timer
      else timers.push(timer)
    } else if (action.type === 'xstate.cancel') {
      const index = timers.findIndex((t) => t.id === params?.sendId)
      if (index >= 0) timers.splice(index, 1)
    }
  }
  return sends
}

function expiry(timers: StoredTimer[], now: number, limits: SessionLimits): void {
  const at = afterQuietHours(now + limits.expireAfterMs, limits.quietHours)
  const index = timers.findIndex((t) => t.id === EXPIRY)
  const timer = { id: EXPIRY, event: { type: EXPIRED }, at }
  if (index >= 0) timers[index] = timer
  else timers.push(timer)
}

function outcome(machine: AnyStateMachine, next: AnyMachineSnapshot, timers: StoredTimer[], steps: number, sends: Text[], event: EventObject, before: string | null): StepOutcome {
  const status: SessionStatus = next.status === 'done' ? 'completed' : next.status === 'error' ? 'failed' : 'active'
  const ended = status !== 'active'
  return {
    state: { snapshot: machine.getPersistedSnapshot(next) as Record<string, unknown>, timers: ended ? [] : timers.sort((a, b) => a.at - b.at), steps },
    status,
    sends,
    event,
    before,
    after: stateKey(next.value),
    context: next.context,
    machineSnapshot: next,
    ...(status === 'completed' && { output: next.output }),
    ...(status === 'failed' && { failure: `the machine raised an error: ${String((next.error as Error)?.message ?? next.error)}` }),
  }
}

/** A step that ends the session as failed, leaving its state as it was. */
function failed(state: SessionState, event: EventObject, failure: string): StepOutcome {
  const value = state.snapshot.value
  return { state: { ...state, timers: [] }, status: 'failed', sends: [], event, before: stateKey(value), after: stateKey(value), failure, context: state.snapshot.context }
}

/**
 * Start a session: the machine's initial state, its entry actions collected (the first
 * question in the outbox), its timers and the session's expiry armed from `now`.
 */
export function beginSession(dialogue: Dialogue, input: unknown, now: number, limits: SessionLimits): StepOutcome {
  const event = { type: START }
  let next: AnyMachineSnapshot
  let actions: Collected[]
  try {
    ;[next, actions] = pure(dialogue.machine, (scope) => dialogue.machine.getInitialSnapshot(scope, input))
  } catch (error) {
    return failed({ snapshot: { value: null, context: null }, timers: [], steps: 0 }, event, `the machine could not start: ${(error as Error).message}`)
  }
  const timers: StoredTimer[] = []
  const sends = effects(actions, timers, now, limits)
  expiry(timers, now, limits)
  return outcome(dialogue.machine, next, timers, 0, sends, event, null)
}

/** The snapshot of a stored state, or why it cannot be restored (a state the chart no longer has). */
export function restore(machine: AnyStateMachine, state: SessionState): AnyMachineSnapshot | { failure: string } {
  try {
    // restoreSnapshot needs an actor scope only for child actors, which dialogues do not keep.
    return machine.restoreSnapshot!(state.snapshot as never, {} as never) as AnyMachineSnapshot
  } catch (error) {
    return { failure: `its state "${stateKey(state.snapshot.value)}" does not exist in the dialogue any more (${(error as Error).message})` }
  }
}

/**
 * Apply one event to a stored session: a reply (`{ type: 'reply', text }`), a timer's event,
 * a stop word or the expiry. Pure: nothing is sent or stored here; the outcome says what to.
 * A reply refreshes the expiry; the session fails on an event beyond `maxSteps` and when its
 * state no longer exists in the chart. `restored` is the machine snapshot `state.snapshot`
 * persists, when the previous step's outcome is at hand (its `machineSnapshot`): then the
 * stored snapshot is not restored again.
 */
export function stepSession(dialogue: Dialogue, state: SessionState, event: AnyEventObject, now: number, limits: SessionLimits, restored?: AnyMachineSnapshot): StepOutcome {
  const before = stateKey(state.snapshot.value)
  if (state.steps >= limits.maxSteps) return failed(state, event, `it took more than ${limits.maxSteps} events (maxSteps)`)
  const snapshot = restored?.machine === dialogue.machine ? restored : restore(dialogue.machine, state)
  if ('failure' in snapshot) return failed(state, event, snapshot.failure)
  let next: AnyMachineSnapshot
  let actions: Collected[]
  try {
    ;[next, actions] = pure(dialogue.machine, (scope) => dialogue.machine.transition(snapshot, event, scope))
  } catch (error) {
    return failed(state, event, `the machine raised an error: ${(error as Error).message}`)
  }
  const timers = state.timers.filter((t) => t.id !== eventTimerId(event, state.timers))
  const sends = effects(actions, timers, now, limits)
  if (event.type === REPLY) expiry(timers, now, limits)
  const result = outcome(dialogue.machine, next, timers, state.steps + 1, sends, event, before)
  if (result.status === 'active' && event.type === STOPPED) return { ...result, status: 'interrupted', state: { ...result.state, timers: [] } }
  if (result.status === 'active' && event.type === EXPIRED) return { ...result, status: 'expired', state: { ...result.state, timers: [] } }
  return result
}

/** A timer's event fired it: that timer is spent. */
function eventTimerId(event: EventObject, timers: StoredTimer[]): string | undefined {
  return timers.find((t) => t.event.type === event.type)?.id
}

/**
 * The timers due at `now`, in the order they fell due. When the expiry is among them the
 * others are moot (a reminder for a session that has expired): only the expiry is due.
 */
export function dueTimers(state: SessionState, now: number): StoredTimer[] {
  const due = state.timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at)
  const expired = due.find((t) => t.id === EXPIRY)
  return expired ? [expired] : due
}

/** When the session next needs waking: its earliest timer. */
export function wakeAt(state: SessionState): number | null {
  let earliest: number | null = null
  for (const t of state.timers) if (earliest === null || t.at < earliest) earliest = t.at
  return earliest
}
