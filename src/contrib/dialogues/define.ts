import type { EntityManager } from '@mikro-orm/knex'
import type { AnyStateMachine, ContextFrom } from 'xstate'
import { parseDuration } from '../../core/duration.js'
import { ConfigError } from '../../core/errors.js'
import type { ConnectionLike, IncomingMessage } from '../../core/messages/index.js'
import { compileKeyword } from '../handlers/index.js'
import { checkQuietHours, type QuietHours } from './quiet-hours.js'

/** What `onDone` gets when a session completes (its machine reached a final state). */
export interface DoneArgs<C> {
  context: C
  output: unknown
  /** The EntityManager of the message that completed the session (or of the timer's step); flushed after. */
  em: EntityManager
  connection: ConnectionLike
  /** The message that completed the session, if a message did. */
  msg?: IncomingMessage
  sessionId: string
}

export interface DialogueOptions<M extends AnyStateMachine> {
  /** How sessions, scripts and `startDialogue` name it. */
  name: string
  /** A keyword expression (the handlers' keyword rules: `'survey'`, `'survey|enquete'`) or a test of the message. */
  trigger?: string | ((msg: IncomingMessage) => boolean)
  /** The statechart: an xstate v5 machine made with `setup()`. */
  machine: M
  /** A session expires this long after the person's last message (default: the `dialogueExpireAfter` setting, 7 days). */
  expireAfter?: string | number
  /** A session fails on an event beyond this many (default: the `dialogueMaxSteps` setting, 1,000). */
  maxSteps?: number
  /** Overrides the `dialogueQuietHours` setting for this dialogue (null: none). */
  quietHours?: QuietHours | null
  /** The machine's input when a session starts: from the trigger message, or `startDialogue`'s input. */
  input?: (start: { msg?: IncomingMessage; connection: ConnectionLike; input?: unknown }) => unknown
  /** Store the results of a completed session (e.g. a row with the answers). */
  onDone?: (done: DoneArgs<ContextFrom<M>>) => unknown
}

export interface Dialogue<M extends AnyStateMachine = AnyStateMachine> extends Readonly<DialogueOptions<M>> {
  readonly rapidsmsKind: 'dialogue'
  readonly expireAfterMs: number | undefined
  /** Does this message start the dialogue? */
  triggeredBy(msg: IncomingMessage): boolean
}

/**
 * A multi-step SMS conversation: an xstate v5 statechart whose sessions (one active per
 * connection) are stored, stepped one event at a time (a reply, a timer, a stop word) and
 * resumed after restarts. Install `DialogueApp` and list it in the `dialogues` setting.
 * @example
 * export const hello = defineDialogue({
 *   name: 'hello',
 *   trigger: 'hello',
 *   machine: setup({}).createMachine({
 *     initial: 'name',
 *     states: {
 *       name: ask({ question: 'What is your name?', answer: text(), store: 'name', next: 'done' }),
 *       done: { type: 'final', entry: say('Hello, %(name)s!', ({ context }) => context) },
 *     },
 *   }),
 * })
 */
export function defineDialogue<M extends AnyStateMachine>(options: DialogueOptions<M>): Dialogue<M> {
  const key = `dialogues[${options.name}]`
  if (!options.name || !/^[\w.-]{1,100}$/.test(options.name)) throw new ConfigError(`${key}.name`, 'expected a name of letters, digits, "_", "." or "-" (at most 100)')
  if (options.maxSteps !== undefined && (!Number.isInteger(options.maxSteps) || options.maxSteps < 1)) throw new ConfigError(`${key}.maxSteps`, 'expected a whole number of 1 or more')
  if (options.quietHours) checkQuietHours(options.quietHours, `${key}.quietHours`)
  const expireAfterMs = options.expireAfter === undefined ? undefined : parseDuration(options.expireAfter, `${key}.expireAfter`)
  const { trigger } = options
  const keyword = typeof trigger === 'string' ? compileKeyword(trigger) : undefined
  return Object.freeze({
    ...options,
    rapidsmsKind: 'dialogue' as const,
    expireAfterMs,
    triggeredBy: (msg: IncomingMessage) => (keyword ? keyword.test(msg.text) : typeof trigger === 'function' ? Boolean(trigger(msg)) : false),
  })
}

export function isDialogue(value: unknown): value is Dialogue {
  return typeof value === 'object' && value !== null && (value as Dialogue).rapidsmsKind === 'dialogue'
}
