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

  /**
   * Does Python's message quote the text as sent, in single quotes? RapidSMS answers "Not a
   * valid number" only then: not for an empty text, nor for one Python quotes with double
   * quotes (it has a ' and no "), whose error propagates instead.
   */
  get quotedAsSent(): boolean {
    return this.text !== '' && !(this.text.includes("'") && !this.text.includes('"'))
  }
}

// Python's int(): surrounding whitespace, an optional sign, decimal digits of any script
// (Arabic-Indic ٤٢ is 42) with single underscores between them.
const INTEGER = /^\s*[+-]?\p{Nd}+(?:_\p{Nd}+)*\s*$/u
const DIGIT = /\p{Nd}/u

/** The value of a decimal digit of any script: its distance from the 0 that starts its run of ten code points. */
function digitValue(codePoint: number): number {
  let zero = codePoint
  while (DIGIT.test(String.fromCodePoint(zero - 1))) zero--
  return (codePoint - zero) % 10
}

/**
 * Python's `int(text)`: the whole number the text spells, or NotANumber.
 * @example parseInteger(' 42 ') // 42
 * @example parseInteger('٤٢') // 42
 */
export function parseInteger(text: string): number {
  if (!INTEGER.test(text)) throw new NotANumber(text)
  // Compatibility forms (full-width ４２, mathematical digits) become ASCII; other scripts' digits
  // come in runs of ten code points from 0 to 9.
  const plain = text.normalize('NFKC').replaceAll('_', '').trim()
  let ascii = ''
  for (const c of plain) ascii += c >= '0' && c <= '9' ? c : DIGIT.test(c) ? String(digitValue(c.codePointAt(0)!)) : c
  return Number(ascii)
}
