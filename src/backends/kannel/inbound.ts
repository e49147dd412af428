import { IDENTITY_MAX } from '../../core/config.js'
import { cleanChar, decodeFormBytes, messages, type FieldErrors, type InboundMessage, type InboundRequest, type Parsed } from '../http/form.js'
import type { InboundView } from '../http/view.js'
import { decodeText, knownCharset } from '../http/charset.js'

const utf8 = new TextDecoder('utf-8')

/**
 * Parse Kannel's get-url request (KannelBackendView + KannelForm, behaviour 61). Kannel is
 * configured with `get-url = "http://HOST/backend/NAME/?id=%p&text=%a&charset=%C&coding=%c"`
 * and sends, for example (captured from Kannel 1.4.5 with fakesmsc):
 *
 *   GET /backend/kannel-fake-smsc/?id=123&text=h%C3%A9llo&charset=UTF-8&coding=0
 *   GET /backend/kannel-fake-smsc/?id=123&text=%06E%061%06-%06(%06'&charset=UTF-16BE&coding=2
 *
 * `id` and `text` are required and trimmed; `charset` and `coding` are optional. A charset
 * the server cannot decode the text from is refused, naming it (RapidSMS would read the
 * bytes as UTF-8).
 */
export function parseKannelInbound(request: InboundRequest): Parsed<InboundMessage> {
  const data = decodeFormBytes(request.query)
  const errors: FieldErrors = {}
  const charset = cleanChar(errors, 'charset', optional(data.get('charset')), { required: false })
  const coding = cleanChar(errors, 'coding', optional(data.get('coding')), { required: false })
  if (charset && !knownCharset(charset)) errors.charset = messages.charset(charset)
  const rawText = data.get('text')
  const text = cleanChar(errors, 'text', rawText === undefined ? undefined : decodeText(rawText, charset))
  const identity = cleanChar(errors, 'id', optional(data.get('id')), { maxLength: IDENTITY_MAX })
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { identity: identity!, text: text! } }
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
