import { IDENTITY_MAX } from '../../core/config.js'
import { cleanChar, decodeFormBytes, type FieldErrors, type InboundMessage, type InboundRequest, type Parsed } from '../http/form.js'
import type { InboundView } from '../http/view.js'
import { decodeCp1252 } from './encoding.js'

const utf8 = new TextDecoder('utf-8')
/** Names of Windows-1252, decoded by our own table (Node 20's TextDecoder reads them as Latin-1). */
const CP1252_NAMES = new Set(['windows-1252', 'cp1252', 'x-cp1252'])

/**
 * Decode the bytes of Kannel's `text` with the charset it names. Kannel percent-encodes the
 * raw bytes of the message, so a UCS-2 text arrives as UTF-16BE bytes
 * (`text=%06E%061%06-%06(%06'&charset=UTF-16BE&coding=2` is "مرحبا"); decoding the query as
 * UTF-8 would make it mojibake. WINDOWS-1252 reads 0x80-0x9f as its curly quotes, euro
 * sign and so on (0x93 is U+201C). Unknown charsets are read as UTF-8.
 */
export function decodeKannelText(bytes: Uint8Array, charset: string | undefined): string {
  const name = (charset ?? '').trim().toLowerCase()
  if (!name || name === 'utf-8' || name === 'utf8') return utf8.decode(bytes)
  // 8-BIT is coding 1 (binary data): keep one character per byte.
  if (name === '8-bit' || name === 'iso-8859-1' || name === 'latin1') return Buffer.from(bytes).toString('latin1')
  if (CP1252_NAMES.has(name)) return decodeCp1252(bytes)
  const label = name === 'ucs-2' || name === 'ucs2' ? 'utf-16be' : name
  try {
    return new TextDecoder(label).decode(bytes)
  } catch {
    return utf8.decode(bytes)
  }
}

/**
 * Parse Kannel's get-url request (KannelBackendView + KannelForm, behaviour 61). Kannel is
 * configured with `get-url = "http://HOST/backend/NAME/?id=%p&text=%a&charset=%C&coding=%c"`
 * and sends, for example (captured from Kannel 1.4.5 with fakesmsc):
 *
 *   GET /backend/kannel-fake-smsc/?id=123&text=h%C3%A9llo&charset=UTF-8&coding=0
 *   GET /backend/kannel-fake-smsc/?id=123&text=%06E%061%06-%06(%06'&charset=UTF-16BE&coding=2
 *
 * `id` and `text` are required and trimmed; `charset` and `coding` are optional.
 */
export function parseKannelInbound(request: InboundRequest): Parsed<InboundMessage> {
  const data = decodeFormBytes(request.query)
  const errors: FieldErrors = {}
  const charset = cleanChar(errors, 'charset', optional(data.get('charset')), { required: false })
  const coding = cleanChar(errors, 'coding', optional(data.get('coding')), { required: false })
  const rawText = data.get('text')
  const text = cleanChar(errors, 'text', rawText === undefined ? undefined : decodeKannelText(rawText, charset))
  const identity = cleanChar(errors, 'id', optional(data.get('id')), { maxLength: IDENTITY_MAX })
  if (text === undefined || identity === undefined || charset === undefined || coding === undefined) return { ok: false, errors }
  return { ok: true, value: { identity, text } }
}

function optional(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : utf8.decode(bytes)
}

/**
 * Kannel's inbound view: GET only, 200 with an EMPTY body, since Kannel would send any text
 * in it back to the phone as an SMS.
 */
export function kannelInbound(): InboundView {
  return { methods: ['GET'], okBody: '', parse: parseKannelInbound }
}
