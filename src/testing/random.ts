import { randomInt } from 'node:crypto'

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/**
 * A random string of letters and digits (plus `extraChars`), like RapidSMS's random_string.
 * @example randomString(10)
 */
export function randomString(length = 255, extraChars = ''): string {
  const chars = ALPHANUMERIC + extraChars
  let out = ''
  for (let i = 0; i < length; i++) out += chars[randomInt(chars.length)]
  return out
}

/**
 * A random string of 1..maxLength characters from across Unicode's basic plane (no
 * surrogates, no control characters), to shake out encoding bugs.
 */
export function randomUnicodeString(maxLength = 255): string {
  const length = randomInt(1, maxLength + 1)
  let out = ''
  while (out.length < length) {
    const code = randomInt(0x20, 0xfffe)
    if ((code >= 0xd800 && code <= 0xdfff) || (code >= 0x7f && code < 0xa0)) continue
    out += String.fromCharCode(code)
  }
  return out
}
