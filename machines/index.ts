export { incomingMachine } from './incoming.machine.js'
export { outgoingMachine } from './outgoing.machine.js'
export { MachineStepper, type Step } from './stepper.js'
export type { PhaseMeta, StepMeta, StateMeta, PhaseEvent } from './phase-meta.js'
