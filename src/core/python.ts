/** How Python reads and writes text, for replies and fields that must read as RapidSMS's do. */

/**
 * Python's whitespace (str.isspace: what `\s` matches on text and str.strip() removes), as
 * the inside of a regular expression character class. Unlike JavaScript's, it has
 * U+001C-U+001F and U+0085, and not U+FEFF.
 */
export const PYTHON_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'

const SPACE = new RegExp(`[${PYTHON_WHITESPACE}]`)

/** Is the UTF-16 unit at `index` Python whitespace? (Every one is <= U+0020 or >= U+0085, and none is a surrogate.) */
function isSpaceAt(value: string, index: number): boolean {
  const code = value.charCodeAt(index)
  return (code <= 0x20 || code >= 0x85) && SPACE.test(value[index]!)
}

/**
 * `value.strip()` as Python (and so Django's CharField) does it. A scan from each end, not a
 * `\s+$` expression: that one backtracks quadratically over a long run of spaces inside
 * the text.
 * @example pythonStrip('\u3000 hi\x85') // 'hi'
 */
export function pythonStrip(value: string): string {
  let start = 0
  let end = value.length
  while (start < end && isSpaceAt(value, start)) start++
  while (end > start && isSpaceAt(value, end - 1)) end--
  return start === 0 && end === value.length ? value : value.slice(start, end)
}

/**
 * Python's repr() of a string: in single quotes, or double quotes when it holds a single
 * quote and no double quote; backslashes, the quote, and control characters escaped (and,
 * for ascii(), every character beyond ASCII).
 */
export function pythonRepr(text: string, asciiOnly = false): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  let out = ''
  for (const c of text) {
    const cp = c.codePointAt(0)!
    if (c === '\\' || c === quote) out += `\\${c}`
    else if (c === '\n') out += '\\n'
    else if (c === '\r') out += '\\r'
    else if (c === '\t') out += '\\t'
    else if (cp < 0x20 || cp === 0x7f || (asciiOnly && cp > 0x7e) || (cp >= 0x80 && cp < 0xa0)) {
      out += cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`
    } else out += c
  }
  return `${quote}${out}${quote}`
}

/** How deep pythonStr follows lists and dicts (Python's repr stops at its recursion limit too). */
export const PYTHON_STR_MAX_DEPTH = 500

/**
 * Python's str() of a JSON value, as Django's CharField makes text of one: None, True,
 * False, and lists and dicts written with repr() of their items (`['a', 'b']`,
 * `{'a': 1}`). A JSON number 2.0 arrives in JavaScript as 2 and is written so. A value
 * nested more than PYTHON_STR_MAX_DEPTH levels deep throws a RangeError.
 * @example pythonStr(['a', null]) // "['a', None]"
 */
export function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonValueRepr(value, 0)
}

function pythonValueRepr(value: unknown, depth: number): string {
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'string') return pythonRepr(value)
  if (typeof value !== 'object') return String(value)
  if (depth >= PYTHON_STR_MAX_DEPTH) throw new RangeError(`value nested more than ${PYTHON_STR_MAX_DEPTH} levels deep`)
  if (Array.isArray(value)) return `[${value.map((item) => pythonValueRepr(item, depth + 1)).join(', ')}]`
  return `{${Object.entries(value).map(([k, v]) => `${pythonRepr(k)}: ${pythonValueRepr(v, depth + 1)}`).join(', ')}}`
}
