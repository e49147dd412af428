import { initialTransition, transition, type AnyStateMachine, type AnyMachineSnapshot } from 'xstate'
import type { PhaseEvent, StateMeta } from './phase-meta.js'

/** One position of a message in its machine: the xstate snapshot, what to do there, and how it got there. */
export interface Step {
  readonly snapshot: AnyMachineSnapshot
  /** The state's name (e.g. 'handle'). */
  readonly state: string
  /** The work of this state, from its meta; undefined for final states. */
  readonly meta: StateMeta | undefined
  /** Named actions of the transition into this state (e.g. 'markHandled'). */
  readonly actions: readonly string[]
  readonly final: boolean
}

/**
 * Steps messages through a context-free machine. xstate computes each transition once;
 * since the machines hold no per-message context, every message in the same state takes
 * the same transition, so results are memoised per (snapshot, event) and a message's walk
 * costs a map lookup per state instead of a full xstate transition.
 */
export class MachineStepper {
  readonly initial: Step
  #next = new WeakMap<AnyMachineSnapshot, Map<PhaseEvent['type'], Step>>()

  constructor(readonly machine: AnyStateMachine) {
    const [snapshot, actions] = initialTransition(machine)
    this.initial = this.#toStep(snapshot, actions)
  }

  next(step: Step, event: PhaseEvent['type']): Step {
    let byEvent = this.#next.get(step.snapshot)
    if (!byEvent) this.#next.set(step.snapshot, (byEvent = new Map()))
    let next = byEvent.get(event)
    if (!next) {
      const [snapshot, actions] = transition(this.machine, step.snapshot, { type: event })
      if (snapshot.value === step.snapshot.value && !actions.length) {
        throw new Error(`${this.machine.id}: state "${step.state}" does not accept ${event}`)
      }
      next = this.#toStep(snapshot, actions)
      byEvent.set(event, next)
    }
    return next
  }

  #toStep(snapshot: AnyMachineSnapshot, actions: readonly { type: string }[]): Step {
    const state = String(snapshot.value)
    const meta = snapshot.getMeta()[`${this.machine.id}.${state}`] as StateMeta | undefined
    return {
      snapshot,
      state,
      meta,
      actions: actions.map((a) => a.type).filter((t) => !t.startsWith('xstate.')),
      final: snapshot.status === 'done',
    }
  }
}
