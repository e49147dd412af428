import { assign, fromPromise, setup } from 'xstate'

/** What the modem actor has waiting: messages to read or delete on the SIM, parts to send. */
export interface ModemWork {
  read: boolean
  send: boolean
}

export interface ModemContext {
  /** Reconnections tried since the modem was last ready. */
  attempt: number
  work: ModemWork
  /** The job done last, so reading and sending take turns. */
  last?: 'read' | 'send'
  /** Why the modem last failed, or why it halted. */
  error?: string
  timing: ModemMachineInput
}

export interface ModemMachineInput {
  /** How long the modem may stay quiet before an `AT` checks it is alive. */
  keepaliveMs: number
  /** The first wait before reopening the port; doubled on each failure up to `maxBackoffMs`. */
  backoffMs: number
  maxBackoffMs: number
}

export type ModemEvent =
  | { type: 'START' }
  | { type: 'STOP' }
  /** The actor's queues changed. */
  | { type: 'WORK'; work: ModemWork }
  /** The port went away (the modem was unplugged). */
  | { type: 'PORT_CLOSED'; reason: string }

/** An error the modem cannot get over by itself (a wrong PIN, a SIM asking for its PUK). */
export interface FatalModemError {
  fatal: true
  message: string
}

const isFatal = (error: unknown): error is FatalModemError => typeof error === 'object' && error !== null && (error as FatalModemError).fatal === true
const message = (error: unknown) => (error instanceof Error ? error.message : isFatal(error) ? error.message : String(error))

// Placeholders: the modem actor provides the real effects (machine.provide({ actors })).
const effect = <O>(name: string) =>
  fromPromise<O, void>(async () => {
    throw new Error(`the modem machine's "${name}" effect was not provided`)
  })

/**
 * A GSM modem's connection: closed → opening → initialising (`ATZ`, `ATE0`, `AT+CMEE=1`,
 * `AT+CPIN?` and the PIN when asked, `AT+CMGF=0`, `AT+CSCA`, `AT+CPMS`, `AT+CNMI`) → ready,
 * from where it reads the SIM or sends one part at a time, taking turns, and sends a
 * keepalive `AT` after `keepaliveMs` of quiet. Any failure (no answer, the port gone) goes
 * to failed, which closes the port and reconnects after a backoff that doubles up to
 * `maxBackoffMs`. A wrong PIN halts it: trying again could lock the SIM.
 *
 * Pure: the effects (openPort, initialise, readStorage, sendPart, keepalive, closePort) are
 * promise actors the modem actor provides; `readStorage` and `sendPart` resolve with the work
 * left, and reject only when the modem itself failed.
 */
export const modemMachine = setup({
  types: {
    context: {} as ModemContext,
    events: {} as ModemEvent,
    input: {} as ModemMachineInput,
  },
  actors: {
    openPort: effect<void>('openPort'),
    initialise: effect<ModemWork>('initialise'),
    readStorage: effect<ModemWork>('readStorage'),
    sendPart: effect<ModemWork>('sendPart'),
    keepalive: effect<void>('keepalive'),
    closePort: effect<void>('closePort'),
  },
  delays: {
    KEEPALIVE: ({ context }) => context.timing.keepaliveMs,
    BACKOFF: ({ context }) => Math.min(context.timing.maxBackoffMs, context.timing.backoffMs * 2 ** context.attempt),
  },
  guards: {
    readNext: ({ context: { work, last } }) => work.read && (!work.send || last !== 'read'),
    sendNext: ({ context: { work } }) => work.send,
    fatal: ({ event }) => isFatal((event as { error?: unknown }).error),
  },
}).createMachine({
  id: 'modem',
  initial: 'closed',
  context: ({ input }) => ({ attempt: 0, work: { read: false, send: false }, timing: input }),
  on: {
    WORK: { actions: assign({ work: ({ event }) => event.work }) },
    STOP: '.stopping',
  },
  states: {
    closed: {
      on: { START: 'opening' },
    },
    opening: {
      invoke: { src: 'openPort', onDone: 'online', onError: { target: 'failed', actions: assign({ error: ({ event }) => message(event.error) }) } },
    },
    online: {
      initial: 'initialising',
      on: { PORT_CLOSED: { target: 'failed', actions: assign({ error: ({ event }) => event.reason }) } },
      states: {
        initialising: {
          invoke: {
            src: 'initialise',
            onDone: { target: 'ready', actions: assign({ attempt: 0, error: undefined, work: ({ event }) => event.output }) },
            onError: [
              { guard: 'fatal', target: '#modem.halted', actions: assign({ error: ({ event }) => message(event.error) }) },
              { target: '#modem.failed', actions: assign({ error: ({ event }) => message(event.error) }) },
            ],
          },
        },
        ready: {
          always: [
            { guard: 'readNext', target: 'reading' },
            { guard: 'sendNext', target: 'sending' },
          ],
          after: { KEEPALIVE: 'probing' },
        },
        reading: {
          invoke: {
            src: 'readStorage',
            onDone: { target: 'ready', actions: assign({ work: ({ event }) => event.output, last: 'read' }) },
            onError: { target: '#modem.failed', actions: assign({ error: ({ event }) => message(event.error) }) },
          },
        },
        sending: {
          invoke: {
            src: 'sendPart',
            onDone: { target: 'ready', actions: assign({ work: ({ event }) => event.output, last: 'send' }) },
            onError: { target: '#modem.failed', actions: assign({ error: ({ event }) => message(event.error) }) },
          },
        },
        probing: {
          invoke: { src: 'keepalive', onDone: 'ready', onError: { target: '#modem.failed', actions: assign({ error: ({ event }) => message(event.error) }) } },
        },
      },
    },
    failed: {
      invoke: { src: 'closePort', onDone: 'reconnecting', onError: 'reconnecting' },
    },
    reconnecting: {
      after: { BACKOFF: { target: 'opening', actions: assign({ attempt: ({ context }) => context.attempt + 1 }) } },
    },
    halted: {},
    stopping: {
      invoke: { src: 'closePort', onDone: 'stopped', onError: 'stopped' },
    },
    stopped: { type: 'final' },
  },
})
