import type { MessageFields } from '../../core/messages/index.js'
import { pythonStrip } from '../../core/python.js'
import { wellFormed } from '../../core/text.js'
import { decodeText } from './charset.js'

/**
 * What a backend's inbound view gets from the web edge: the request reduced to what the
 * gateway protocols use, so views are pure functions tested without a server.
 */
export interface InboundRequest {
  /** Upper-case HTTP method. */
  method: string
  /** The raw query string, without the `?`. */
  query: string
  /** The raw body (empty for GET). */
  body: Uint8Array
  /** The content-type header, if any. */
  contentType?: string
  /**
   * The text fields of a `multipart/form-data` body, read by the web edge (reading one is
   * asynchronous; views are not), or why they could not be read. Absent for other bodies.
   */
  multipart?: { ok: true; fields: Map<string, string> } | { ok: false; reason: string }
}

/** Field name -> the reason it was refused, as Django forms word it. */
export type FieldErrors = Record<string, string>

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors }

/** A message a gateway delivered: who sent it, its text, and fields kept on the message. */
export interface InboundMessage {
  identity: string
  text: string
  fields?: MessageFields
}

/** RapidSMS's answer to an invalid form (behaviour 59); the edge adds one line per field. */
export const FORM_INVALID = 'form failed to validate'

/** Django's wording, so logs and 400 bodies read like RapidSMS's form errors. */
export const messages = {
  required: 'This field is required.',
  nullCharacters: 'Null characters are not allowed.',
  maxLength: (limit: number, length: number) => `Ensure this value has at most ${limit} characters (it has ${length}).`,
  choice: (value: string) => `Select a valid choice. ${value} is not one of the available choices.`,
  integer: 'Enter a whole number.',
  dateTime: 'Enter a valid date/time.',
  json: 'The body is not valid JSON.',
  utf8: 'The body is not valid UTF-8.',
  jsonObject: 'The body must be a JSON object.',
  charset: (name: string) => `The charset "${name}" is not one this server can decode.`,
  notForm: (contentType: string | undefined) =>
    `The body is ${contentType ? `"${contentType}"` : 'of no declared type'}, not a form: send application/x-www-form-urlencoded or multipart/form-data.`,
  multipart: 'The body is not a valid multipart form.',
  noBoundary: 'The body is not a valid multipart form: its Content-Type has no boundary.',
  tooDeep: 'The value is nested too deeply.',
} as const

/**
 * Clean one text field as Django's CharField does: strip surrounding whitespace, refuse
 * NUL characters, enforce `required` (empty or blank is missing) and `maxLength` (counted in
 * characters, as the database columns count them). Lone surrogates (JSON can carry them)
 * become U+FFFD, as the database would store them. Returns the cleaned value, or records the
 * error under `name` and returns undefined.
 */
export function cleanChar(
  errors: FieldErrors,
  name: string,
  raw: string | undefined | null,
  options: { required?: boolean; maxLength?: number; strip?: boolean } = {},
): string | undefined {
  const { required = true, maxLength, strip = true } = options
  const value = raw == null ? '' : wellFormed(strip ? pythonStrip(raw) : raw)
  if (value.includes('\u0000')) {
    errors[name] = messages.nullCharacters
    return undefined
  }
  if (value === '') {
    if (required) {
      errors[name] = messages.required
      return undefined
    }
    return ''
  }
  if (maxLength !== undefined) {
    const length = characters(value)
    if (length > maxLength) {
      errors[name] = messages.maxLength(maxLength, length)
      return undefined
    }
  }
  return value
}

/** Length in characters (code points), not UTF-16 units. */
export function characters(value: string): number {
  let n = 0
  for (const _ of value) n++
  return n
}

/**
 * Decode an `application/x-www-form-urlencoded` string (a query string or a form body) to
 * raw bytes per name. `+` is a space; a malformed `%` escape is kept as is (as Python's
 * unquote does). A repeated name keeps its last value, as Django's QueryDict.get() does.
 */
export function decodeFormBytes(raw: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>()
  for (const [name, value] of formPairs(raw)) out.set(utf8(percentDecode(name)), percentDecode(value))
  return out
}

/**
 * Like decodeFormBytes, with every name and value decoded as UTF-8 (what Django does by
 * default) or in `charset` (the charset a POST's Content-Type declares, as Django reads it;
 * see decodeText).
 */
export function decodeForm(raw: string, charset?: string): Map<string, string> {
  const out = new Map<string, string>()
  if (charset && !/^utf-?8$/i.test(charset.trim())) {
    for (const [name, value] of formPairs(raw)) out.set(decodeText(percentDecode(name), charset), decodeText(percentDecode(value), charset))
    return out
  }
  for (const [name, value] of formPairs(raw)) out.set(decodeComponent(name), decodeComponent(value))
  return out
}

/** The `charset` parameter of a Content-Type header, if any. */
export function contentTypeCharset(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]
}

/** The still-encoded name and value of each `name=value` pair (a pair without `=` has an empty value). */
function formPairs(raw: string): [string, string][] {
  const pairs: [string, string][] = []
  if (!raw) return pairs
  for (const pair of raw.split('&')) {
    if (!pair) continue
    const eq = pair.indexOf('=')
    pairs.push(eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)])
  }
  return pairs
}

/**
 * One urlencoded name or value as text: the platform's decoder for well-formed input, the
 * byte-wise one (which keeps malformed escapes and turns invalid UTF-8 into U+FFFD, as Python
 * does) for the rest.
 */
function decodeComponent(value: string): string {
  const spaced = value.includes('+') ? value.replaceAll('+', ' ') : value
  if (!spaced.includes('%')) return spaced
  try {
    return decodeURIComponent(spaced)
  } catch {
    return utf8(percentDecode(value))
  }
}

/** Bytes as UTF-8 text (invalid sequences become U+FFFD; a leading BOM is kept, as Python keeps it). */
function utf8(bytes: Uint8Array): string {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('utf8')
}

/** The value of an ASCII hex digit, or -1. */
function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30
  const lower = byte | 0x20
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1
}

/** The bytes of a urlencoded value: its UTF-8, with `+` and valid `%XX` escapes decoded in place. */
function percentDecode(value: string): Uint8Array {
  const bytes = Buffer.from(value, 'utf8')
  let out = 0
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!
    if (byte === 0x2b) bytes[out++] = 0x20
    else if (byte === 0x25 && i + 2 < bytes.length && hexValue(bytes[i + 1]!) >= 0 && hexValue(bytes[i + 2]!) >= 0) {
      bytes[out++] = hexValue(bytes[i + 1]!) * 16 + hexValue(bytes[i + 2]!)
      i += 2
    } else bytes[out++] = byte
  }
  return out === bytes.length ? bytes : bytes.subarray(0, out)
}

/** The body of a request as text (UTF-8). */
export function bodyText(request: InboundRequest): string {
  return utf8(request.body)
}

const URLENCODED = 'application/x-www-form-urlencoded'

/** Is the request body a urlencoded form (what Django's request.POST parses)? */
export function isUrlencoded(contentType: string | undefined): boolean {
  if (contentType === URLENCODED) return true
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === URLENCODED
}

/**
 * `application/x-www-form-urlencoded` quoting as Python's `urlencode` (quote_plus) does it:
 * letters, digits and `_.-~` stay, a space is `+`, every other byte is `%XX` (upper case).
 */
export function quotePlus(value: string | Uint8Array): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value
  let out = ''
  for (const b of bytes) {
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b === 0x2e || b === 0x2d || b === 0x7e) out += String.fromCharCode(b)
    else if (b === 0x20) out += '+'
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** Python's urlencode(doseq=True) as requests uses it: lists repeat the key, None is left out. */
export function urlencode(query: Map<string, unknown> | Record<string, unknown>): string {
  const parts: string[] = []
  for (const [key, value] of query instanceof Map ? query : Object.entries(query)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one === null || one === undefined) continue
      parts.push(`${quotePlus(key)}=${quotePlus(one instanceof Uint8Array ? one : String(one))}`)
    }
  }
  return parts.join('&')
}
