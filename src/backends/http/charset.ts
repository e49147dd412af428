/** Characters of Windows-1252 (cp1252) in 0x80-0x9f; the rest of 0x00-0xff is Latin-1's. */
export const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ'

const utf8 = new TextDecoder('utf-8')
/** Names of Latin-1, one character per byte (as Python's latin-1; WHATWG would read cp1252). */
const LATIN1_NAMES = new Set(['8-bit', 'iso-8859-1', 'iso8859-1', 'latin1', 'latin-1', 'l1'])
/** Names of Windows-1252, decoded by our table: Node 20's TextDecoder reads it as Latin-1. */
const CP1252_NAMES = new Set(['windows-1252', 'cp1252', 'x-cp1252'])

/** The WHATWG label decodeText hands to TextDecoder for a charset name it has no table of its own for. */
function decoderLabel(name: string): string {
  return name === 'ucs-2' || name === 'ucs2' ? 'utf-16be' : name
}

/**
 * Can decodeText read text in this charset? No name (UTF-8) and every name it knows can;
 * an unknown one (`x-unknown`, `gsm`) cannot, and the request naming it is refused rather
 * than read as UTF-8 into replacement characters.
 * @example knownCharset('UTF-16BE') // true
 */
export function knownCharset(charset: string | undefined): boolean {
  const name = (charset ?? '').trim().toLowerCase()
  if (!name || name === 'utf-8' || name === 'utf8' || LATIN1_NAMES.has(name) || CP1252_NAMES.has(name)) return true
  try {
    new TextDecoder(decoderLabel(name))
    return true
  } catch {
    return false
  }
}

/**
 * Bytes as text in the charset a gateway names: Kannel's `charset` for a message's text,
 * a POST's `Content-Type` charset for a form. UTF-8 when none is named or the name is
 * unknown; UCS-2 is UTF-16BE (how Kannel forwards Arabic, Chinese... typed on a phone);
 * Latin-1 and 8-BIT keep one character per byte; Windows-1252 reads 0x80-0x9f as its curly
 * quotes, euro sign and so on (0x93 is U+201C). Callers refuse a charset knownCharset does
 * not know; here it reads as UTF-8.
 */
export function decodeText(bytes: Uint8Array, charset: string | undefined): string {
  const name = (charset ?? '').trim().toLowerCase()
  if (!name || name === 'utf-8' || name === 'utf8') return utf8.decode(bytes)
  if (LATIN1_NAMES.has(name)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
  if (CP1252_NAMES.has(name)) return decodeCp1252(bytes)
  try {
    return new TextDecoder(decoderLabel(name)).decode(bytes)
  } catch {
    return utf8.decode(bytes)
  }
}

/** The five bytes cp1252 leaves undefined become the control character of the same value, as the WHATWG decoder makes them. */
function decodeCp1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
  return latin1.replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!)
}
