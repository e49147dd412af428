import { BackendSendError, ConfigError } from '../../core/errors.js'
import { CP1252_HIGH } from '../http/charset.js'

/**
 * Text encoding as Python's `str.encode(charset, errors)` does it, which is what RapidSMS's
 * Kannel backend sends (behaviour 62): `'café ok'.encode('ascii', 'ignore')` -> `caf ok`.
 */
export type Charset = 'ascii' | 'latin-1' | 'cp1252' | 'utf-8' | 'utf-16-be' | 'utf-16-le' | 'utf-16'
export type EncodeErrors = 'strict' | 'ignore' | 'replace' | 'xmlcharrefreplace' | 'backslashreplace'

const CHARSET_ALIASES: Record<string, Charset> = {
  ascii: 'ascii',
  usascii: 'ascii',
  '646': 'ascii',
  latin1: 'latin-1',
  latin: 'latin-1',
  l1: 'latin-1',
  iso88591: 'latin-1',
  '8859': 'latin-1',
  cp819: 'latin-1',
  cp1252: 'cp1252',
  windows1252: 'cp1252',
  utf8: 'utf-8',
  u8: 'utf-8',
  utf: 'utf-8',
  utf16be: 'utf-16-be',
  ucs2: 'utf-16-be',
  utf16le: 'utf-16-le',
  utf16: 'utf-16',
  u16: 'utf-16',
}
export const ENCODE_ERRORS: readonly EncodeErrors[] = ['strict', 'ignore', 'replace', 'xmlcharrefreplace', 'backslashreplace']

/** The codec of a charset name as Python spells them (`UTF-8`, `utf8`, `iso-8859-1`...). */
export function codecOf(charset: string, key = 'charset'): Charset {
  const codec = CHARSET_ALIASES[charset.toLowerCase().replace(/[-_\s]/g, '')]
  if (!codec) throw new ConfigError(key, `unknown charset "${charset}" (known: ascii, latin-1, cp1252, utf-8, utf-16-be, utf-16-le, utf-16)`)
  return codec
}

const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d])

/** The single byte of a character in an 8-bit codec, or undefined if it has none. */
function singleByte(codec: 'ascii' | 'latin-1' | 'cp1252', cp: number): number | undefined {
  if (codec === 'ascii') return cp < 0x80 ? cp : undefined
  if (codec === 'latin-1') return cp < 0x100 ? cp : undefined
  if (cp < 0x80 || (cp >= 0xa0 && cp < 0x100)) return cp
  const index = CP1252_HIGH.indexOf(String.fromCodePoint(cp))
  return index >= 0 && !CP1252_UNDEFINED.has(0x80 + index) ? 0x80 + index : undefined
}

function encodeWhole(codec: Charset, text: string): Buffer {
  if (codec === 'utf-8') return Buffer.from(text, 'utf8')
  const le = Buffer.from(text, 'utf16le')
  if (codec === 'utf-16-le') return le
  const be = Buffer.from(le).swap16()
  // Python's 'utf-16' writes a byte-order mark and little-endian units.
  return codec === 'utf-16-be' ? be : Buffer.concat([Buffer.from([0xff, 0xfe]), le])
}

function replacement(errors: EncodeErrors, cp: number): string {
  switch (errors) {
    case 'replace':
      return '?'
    case 'xmlcharrefreplace':
      return `&#${cp};`
    case 'backslashreplace':
      return cp <= 0xff ? `\\x${hex(cp, 2)}` : cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`
    default:
      return ''
  }
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0')

/**
 * Encode `text` in `charset`, handling characters it cannot represent as Python's `errors`
 * handler would ('strict' throws). Lone surrogates cannot be encoded in any charset.
 */
export function encodeText(text: string, charset: Charset, errors: EncodeErrors, backend = 'kannel'): Buffer {
  const wide = charset === 'utf-8' || charset.startsWith('utf-16')
  const bytes: number[] = []
  let position = 0
  for (const char of text) {
    const cp = char.codePointAt(0)!
    const lone = cp >= 0xd800 && cp <= 0xdfff
    const byte = wide || lone ? undefined : singleByte(charset as 'ascii' | 'latin-1' | 'cp1252', cp)
    if (wide && !lone) {
      bytes.push(...(charset === 'utf-16' ? encodeWhole('utf-16-le', char) : encodeWhole(charset, char)))
    } else if (byte !== undefined) {
      bytes.push(byte)
    } else if (errors === 'strict') {
      throw new BackendSendError(backend, `'${charset}' codec can't encode character '\\u${hex(cp, 4)}' in position ${position}`, { retryable: false })
    } else {
      const substitute = replacement(errors, cp)
      if (substitute) bytes.push(...(wide ? encodeWhole(charset === 'utf-16' ? 'utf-16-le' : charset, substitute) : Buffer.from(substitute, 'latin1')))
    }
    position++
  }
  const out = Buffer.from(bytes)
  return charset === 'utf-16' ? Buffer.concat([Buffer.from([0xff, 0xfe]), out]) : out
}

// The GSM 7-bit alphabet lives with the modem's PDU codec: texts made only of its characters fit coding 0.
export { fitsGsm7 } from '../modem/pdu/gsm7.js'
