import { assign, emit } from 'xstate'
import { parseDuration } from '../../core/duration.js'
import type { Answer } from './answers.js'
import type { Text } from './texts.js'

/** The event a message from the person is, for the session it belongs to. */
export const REPLY = 'reply'
/** The event a stop word is (the session then ends `interrupted`). */
export const STOPPED = 'dialogue.stop'
/** The event the expiry of a session is (the session then ends `expired`). */
export const EXPIRED = 'dialogue.expire'
/** The type of what `say()` emits: a text for the session's connection. */
export const SAY = 'dialogue.say'

export interface ReplyEvent {
  type: typeof REPLY
  /** The text as received (an ask trims it). */
  text: string
}

/** What a dialogue's actions see. */
export interface ActionArgs<C> {
  context: C
  event: { type: string; [key: string]: unknown }
}

type Values<C> = Record<string, unknown> | ((args: ActionArgs<C>) => Record<string, unknown>)

/**
 * An action that sends `text` to the session's connection, translated into the contact's
 * language (`text` is the msgid), Python-formatted with `values` (`%(name)s`). It is emitted,
 * never run: the step collects it in its outbox, and it is sent once the step is stored.
 * @example entry: say('Thank you, %(name)s.', ({ context }) => ({ name: context.name }))
 */
export function say<C = any>(text: string | ((args: ActionArgs<C>) => Text | string), values?: Values<C>): any {
  return emit(((args: ActionArgs<C>) => {
    const said = typeof text === 'function' ? text(args) : text
    const resolved = typeof values === 'function' ? values(args) : values
    const base: Text = typeof said === 'string' ? { text: said } : said
    return { type: SAY, text: base.text, ...((resolved ?? base.values) && { values: { ...base.values, ...resolved } }) }
  }) as never)
}

/** Where a valid answer leads: the first whose `when` holds (or that has none). */
export interface Next<C, T> {
  when?: (value: T, context: C) => boolean
  target: string
  /** More actions of the transition (after the value is stored). */
  actions?: unknown
}

export interface AskOptions<C, T> {
  /** What is asked on entry (a msgid, a Text, or made from the context). */
  question: string | Text | ((context: C) => string | Text)
  /** How the reply is read (text(), integer(0, 120), choice({...}), yesNo). */
  answer: Answer<T>
  /** Answered to a reply that is not valid, before waiting again; default: the question again. */
  invalid?: string | Text
  /** The context key the value goes to, or the context changes made from it. */
  store?: string | ((value: T, context: C) => Partial<C>)
  /** The state a valid answer leads to, or several, by the value. */
  next: string | Next<C, T>[]
  /** Send `Reminder: ` and the question once, this long after the question or the last reply to it. */
  remind?: string | number
  /** Replies a path test sends here (default: the answer's own examples). */
  examples?: Partial<Answer<T>['examples']>
}

/** What an ask keeps in its state's meta, for path tests and the visualizer. */
export interface AskMeta {
  ask: { examples: { valid: string[]; invalid: string[] } }
}

function textOf<C>(question: AskOptions<C, unknown>['question'], context: C): Text {
  const value = typeof question === 'function' ? question(context) : question
  return typeof value === 'string' ? { text: value } : value
}

/**
 * A state that asks a question: it says the question on entry, reads each reply with
 * `answer`, stores a valid value in the context and goes on to `next`; an invalid reply gets
 * `invalid` and the state waits again. With `remind`, it sends `Reminder: ` and the question
 * as it was sent once, that long after the question or the last invalid reply (a reply
 * restarts the wait). A plain xstate state config: spread into it or wrap it freely.
 * @example
 * age: ask({ question: 'How old are you?', answer: integer(0, 120), invalid: 'Please send a number.', store: 'age', next: 'sex', remind: '24h' })
 */
export function ask<C = any, T = unknown>(options: AskOptions<C, T>): any {
  const { answer } = options
  const read = (event: ActionArgs<C>['event']) => (event.type === REPLY ? answer.read(String(event.text ?? '')) : undefined)
  const invalid = ({ event }: ActionArgs<C>) => read(event) === undefined
  const question = ({ context }: ActionArgs<C>) => textOf(options.question, context)
  const sayInvalid = options.invalid === undefined ? say<C>(question) : say<C>(typeof options.invalid === 'string' ? options.invalid : () => options.invalid as Text)
  // assign() merges what this returns into the context.
  const store = assign(({ context, event }: ActionArgs<C>) => {
    const { store: how } = options
    const value = read(event)!.value
    if (how === undefined) return {}
    return typeof how === 'function' ? how(value, context) : { [how]: value }
  }) as unknown
  const nexts: Next<C, T>[] = typeof options.next === 'string' ? [{ target: options.next }] : options.next
  const valid = nexts.map((next) => ({
    guard: ({ context, event }: ActionArgs<C>) => {
      const found = read(event)
      return found !== undefined && (!next.when || next.when(found.value, context))
    },
    target: next.target,
    actions: [store, ...(next.actions === undefined ? [] : [next.actions].flat())],
  }))
  const meta: AskMeta = { ask: { examples: { valid: options.examples?.valid ?? answer.examples.valid, invalid: options.examples?.invalid ?? answer.examples.invalid } } }
  if (options.remind === undefined) {
    return { entry: say<C>(question), meta, on: { [REPLY]: [...valid, { actions: sayInvalid }] } }
  }
  const delay = parseDuration(options.remind, 'remind')
  return {
    entry: say<C>(question),
    meta,
    initial: 'waiting',
    on: { [REPLY]: valid },
    states: {
      waiting: {
        after: { [delay]: { target: 'reminded', actions: say<C>('Reminder: %(question)s', (args) => ({ question: question(args) })) } },
        on: { [REPLY]: { guard: invalid, target: 'waiting', reenter: true, actions: sayInvalid } },
      },
      reminded: { on: { [REPLY]: { guard: invalid, actions: sayInvalid } } },
    },
  }
}
