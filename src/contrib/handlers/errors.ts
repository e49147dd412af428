import { RapidSMSError } from '../../core/errors.js'

/**
 * Text that should have been a whole number was not. Thrown by `BaseHandler.int()`; a
 * KeywordHandler replies `Not a valid number: <text>` (RapidSMS's int() ValueError case).
 */
export class NotANumber extends RapidSMSError {
  override name = 'NotANumber'
  constructor(readonly text: string) {
    super(`invalid literal for int() with base 10: '${text}'`)
  }
}

// Python's int(): surrounding whitespace, an optional sign, digits with single underscores between them.
const INTEGER = /^\s*[+-]?\d+(?:_\d+)*\s*$/

/**
 * Python's `int(text)`: the whole number the text spells, or NotANumber.
 * @example parseInteger(' 42 ') // 42
 */
export function parseInteger(text: string): number {
  if (!INTEGER.test(text)) throw new NotANumber(text)
  return Number(text.replaceAll('_', '').trim())
}
