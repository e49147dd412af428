/**
 * How the runner calls apps in a phase state, read from the state's `meta`:
 * - `phase`: the app method to call;
 * - `order`: apps in installed order, or reversed (outgoing);
 * - `stopWhen`: an app returning exactly this value stops the phase (event STOPPED);
 *   without it every app is called and the phase ends with COMPLETED;
 * - `stopWhenHandled`: the phase also ends with STOPPED when, after every app ran, an app
 *   marked the message handled itself (`msg.handled = true`): RapidSMS checks the flag,
 *   not only the return values, before the default phase.
 * States with `step` instead of `phase` are effects of the runner (sending replies, handing
 * a message to backends) that end with COMPLETED.
 */
export interface PhaseMeta {
  phase: 'filter' | 'parse' | 'handle' | 'default' | 'cleanup' | 'outgoing'
  order: 'installed' | 'reverse'
  stopWhen?: boolean
  stopWhenHandled?: boolean
}

export interface StepMeta {
  step: 'respond' | 'deliver'
}

export type StateMeta = PhaseMeta | StepMeta

/** Every event a message machine takes: the outcome of the current state's work. */
export type PhaseEvent = { type: 'STOPPED' } | { type: 'COMPLETED' }
