/** Lone surrogates: half of a UTF-16 pair without its other half. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/**
 * Text as a UTF-8 database stores it: every lone surrogate (a JSON `"\ud800"` can hold one)
 * becomes U+FFFD, as encoding it to UTF-8 would make it. Text read back from the database
 * then equals the text that was written, so a lookup by it finds the row.
 * @example wellFormed('a\ud800b') // 'a\ufffdb'
 */
export function wellFormed(text: string): string {
  const native = (text as { toWellFormed?: () => string }).toWellFormed
  return native ? native.call(text) : text.replace(LONE_SURROGATE, '\ufffd')
}

/**
 * Text as every database the framework runs on can store it: wellFormed(), and NUL (which
 * PostgreSQL refuses in text and JSON) as U+FFFD too. What an incoming message's text and
 * identity become before the router sees them: a GSM modem can deliver a U+0000.
 * @example storable('a\u0000b') // 'a\ufffdb'
 */
export function storable(text: string): string {
  const clean = wellFormed(text)
  return clean.includes('\u0000') ? clean.replaceAll('\u0000', '\ufffd') : clean
}
