import { setup } from 'xstate'
import type { PhaseEvent, StateMeta } from './phase-meta.js'

/**
 * The life of an incoming message (docs 6.2, behaviours B), one state per phase:
 * - filter: an app returning exactly true stops everything; queued replies still go out;
 * - parse: every app;
 * - handle: apps in order until one returns exactly true (the message is then handled);
 *   an app may also mark it handled itself (msg.handled = true) and go on returning false;
 * - default: only for unhandled messages, apps until one returns exactly true;
 * - cleanup: every app, handled or not (our deliberate difference 15: only filtered
 *   messages skip it);
 * - responding: replies are sent in the order they were queued, after all phases.
 * The machine is pure: the connection actor runs each state's apps and answers STOPPED
 * or COMPLETED. Exceptions in apps count as "not stopped" (deliberate difference 19).
 */
export const incomingMachine = setup({
  types: { events: {} as PhaseEvent },
  actions: {
    /** The message was handled: set msg.handled. */
    markHandled: () => {},
    /** All phases ran: set msg.processed. */
    markProcessed: () => {},
  },
}).createMachine({
  id: 'incoming',
  initial: 'filter',
  states: {
    filter: {
      meta: { phase: 'filter', order: 'installed', stopWhen: true } satisfies StateMeta,
      on: { STOPPED: 'filtered', COMPLETED: 'parse' },
    },
    parse: {
      meta: { phase: 'parse', order: 'installed' } satisfies StateMeta,
      on: { COMPLETED: 'handle' },
    },
    handle: {
      meta: { phase: 'handle', order: 'installed', stopWhen: true, stopWhenHandled: true } satisfies StateMeta,
      on: { STOPPED: { target: 'cleanup', actions: 'markHandled' }, COMPLETED: 'default' },
    },
    default: {
      meta: { phase: 'default', order: 'installed', stopWhen: true } satisfies StateMeta,
      on: { STOPPED: 'cleanup', COMPLETED: 'cleanup' },
    },
    cleanup: {
      meta: { phase: 'cleanup', order: 'installed' } satisfies StateMeta,
      on: { COMPLETED: { target: 'responding', actions: 'markProcessed' } },
    },
    filtered: {
      meta: { step: 'respond' } satisfies StateMeta,
      on: { COMPLETED: 'done' },
    },
    responding: {
      meta: { step: 'respond' } satisfies StateMeta,
      on: { COMPLETED: 'done' },
    },
    done: { type: 'final' },
  },
})
