import { RapidSMSError } from '../../core/errors.js'
import { pythonRepr, pythonStrip } from '../../core/python.js'

/**
 * Text that should have been a whole number was not. Thrown by `BaseHandler.int()`; a
 * KeywordHandler replies `Not a valid number: <text>` (RapidSMS's int() ValueError case).
 */
export class NotANumber extends RapidSMSError {
  override name = 'NotANumber'
  constructor(readonly text: string) {
    // Python's message shows the text as repr() writes it.
    super(`invalid literal for int() with base 10: ${pythonRepr(text)}`)
  }

  /**
   * What RapidSMS answers "Not a valid number: %s" with: the text inside the single quotes of
   * Python's message (its pattern is `'(.+?)'$`). A text repr() writes in double quotes (a '
   * and no ") or an empty one has none, and its error propagates instead.
   */
  get answerable(): string | undefined {
    const quoted = pythonRepr(this.text)
    return quoted.startsWith("'") && quoted.length > 2 ? quoted.slice(1, -1) : undefined
  }
}

// Python's int(): an optional sign, decimal digits of any script (Arabic-Indic ٤٢ is 42) with
// single underscores between them, once Python's whitespace is stripped.
const INTEGER = /^[+-]?\p{Nd}+(?:_\p{Nd}+)*$/u
const DIGIT = /\p{Nd}/u

/** The value of a decimal digit of any script: its distance from the 0 that starts its run of ten code points. */
function digitValue(codePoint: number): number {
  let zero = codePoint
  while (DIGIT.test(String.fromCodePoint(zero - 1))) zero--
  return (codePoint - zero) % 10
}

/**
 * Python's `int(text)`: the whole number the text spells, or NotANumber. The number is a
 * JavaScript number: past 2^53 it is the nearest one, and one too large for a double (over
 * 308 digits, where Python would still count) is NotANumber rather than Infinity.
 * @example parseInteger(' 42 ') // 42
 * @example parseInteger('٤٢') // 42
 */
export function parseInteger(text: string): number {
  const stripped = pythonStrip(text)
  if (!INTEGER.test(stripped)) throw new NotANumber(text)
  // Compatibility forms (full-width ４２, mathematical digits) become ASCII; other scripts' digits
  // come in runs of ten code points from 0 to 9.
  let ascii = ''
  for (const c of stripped.normalize('NFKC').replaceAll('_', '')) ascii += c >= '0' && c <= '9' ? c : DIGIT.test(c) ? String(digitValue(c.codePointAt(0)!)) : c
  const value = Number(ascii)
  if (!Number.isFinite(value)) throw new NotANumber(text)
  return value
}
