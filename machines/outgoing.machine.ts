import { setup } from 'xstate'
import type { PhaseEvent, StateMeta } from './phase-meta.js'

/**
 * The life of an outgoing message (docs 6.3, behaviours C):
 * - outgoing: apps in REVERSE installed order; an app returning exactly false cancels the
 *   message (nothing reaches a backend, processed stays false); exceptions are logged and
 *   ignored;
 * - delivering: processed is set, connections are grouped by backend and each backend gets
 *   one send() with its identities; unknown backends are skipped and send errors are logged.
 */
export const outgoingMachine = setup({
  types: { events: {} as PhaseEvent },
  actions: {
    /** The outgoing phase completed: set msg.processed. */
    markProcessed: () => {},
  },
}).createMachine({
  id: 'outgoing',
  initial: 'outgoing',
  states: {
    outgoing: {
      meta: { phase: 'outgoing', order: 'reverse', stopWhen: false } satisfies StateMeta,
      on: { STOPPED: 'cancelled', COMPLETED: { target: 'delivering', actions: 'markProcessed' } },
    },
    delivering: {
      meta: { step: 'deliver' } satisfies StateMeta,
      on: { COMPLETED: 'sent' },
    },
    cancelled: { type: 'final' },
    sent: { type: 'final' },
  },
})
