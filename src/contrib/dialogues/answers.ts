import { pythonStrip } from '../../core/python.js'
import { NotANumber, parseInteger } from '../handlers/index.js'

/**
 * How an ask reads a reply: `read` gives the value of a valid (trimmed) reply, or undefined;
 * `examples` are replies a path test sends (valid ones first; the first valid one is used
 * to go on).
 */
export interface Answer<T> {
  read(text: string): { value: T } | undefined
  examples: { valid: string[]; invalid: string[] }
}

/**
 * Any text that is not empty once trimmed (and, with `maxLength`, of at most that many
 * characters: the column it is saved in); its value is the trimmed text.
 * @example ask({ question: 'What is your name?', answer: text({ maxLength: 100 }), store: 'name', next: 'age' })
 */
export function text(options: Partial<Answer<string>['examples']> & { maxLength?: number } = {}): Answer<string> {
  const { maxLength } = options
  return {
    read: (reply) => {
      const value = pythonStrip(reply)
      return value && (maxLength === undefined || [...value].length <= maxLength) ? { value } : undefined
    },
    examples: { valid: options.valid ?? ['Ann'], invalid: options.invalid ?? (maxLength === undefined ? [' '] : [' ', 'x'.repeat(maxLength + 1)]) },
  }
}

/**
 * A whole number from `min` to `max`, read as the handlers' `int()` reads it (Python's int()).
 * @example integer(0, 120).read(' 42 ') // { value: 42 }
 */
export function integer(min: number, max: number, examples: Partial<Answer<number>['examples']> = {}): Answer<number> {
  return {
    read: (reply) => {
      let value: number
      try {
        value = parseInteger(reply)
      } catch (error) {
        if (error instanceof NotANumber) return undefined
        throw error
      }
      return value >= min && value <= max ? { value } : undefined
    },
    examples: { valid: examples.valid ?? [String(min), String(max)], invalid: examples.invalid ?? ['abc', String(max + 1)] },
  }
}

/**
 * One of the given words, in any case (trimmed); its value is the word's value.
 * @example choice({ M: 'M', MALE: 'M', F: 'F', FEMALE: 'F' }).read('female') // { value: 'F' }
 */
export function choice<T>(options: Record<string, T>, examples: Partial<Answer<T>['examples']> = {}): Answer<T> {
  const byWord = new Map(Object.entries(options).map(([word, value]) => [word.toUpperCase(), value]))
  return {
    read: (reply) => {
      const word = pythonStrip(reply).toUpperCase()
      return byWord.has(word) ? { value: byWord.get(word)! } : undefined
    },
    examples: { valid: examples.valid ?? Object.keys(options), invalid: examples.invalid ?? ['maybe'] },
  }
}

/** YES, Y (true) or NO, N (false), in any case. */
export const yesNo: Answer<boolean> = choice({ YES: true, Y: true, NO: false, N: false })
