import { EXTERNAL_ID_MAX, IDENTITY_MAX } from '../../core/config.js'
import { pythonStr } from '../../core/python.js'
import { cleanChar, messages, type FieldErrors, type InboundMessage, type InboundRequest, type Parsed } from '../http/form.js'
import type { InboundView } from '../http/view.js'

/**
 * The columns the fields end in: the sender is a connection's identity, the message id the
 * external id the DatabaseRouter stores (RapidSMS's VumiForm has no limit on it, and its
 * DatabaseRouter fails on a longer one).
 */
const MAX_LENGTH: Partial<Record<string, number>> = { from_addr: IDENTITY_MAX, message_id: EXTERNAL_ID_MAX }

/** The fields of a Vumi message RapidSMS reads (VumiForm); all are kept on the message. */
export const VUMI_REQUIRED = ['message_id', 'to_addr', 'from_addr', 'transport_name', 'transport_type'] as const
export const VUMI_OPTIONAL = ['in_reply_to', 'session_event', 'content', 'group'] as const

// RapidSMS decodes the body with `request.body.decode()`: invalid UTF-8 is refused (a
// UnicodeDecodeError is the ValueError its view catches), and a BOM is kept, so JSON refuses it.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** How Django's CharField reads a JSON value: null and empty containers are empty; null when nested too deeply to write. */
function asText(value: unknown): string | undefined | null {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'object' && (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0)) return undefined
  try {
    return pythonStr(value)
  } catch (error) {
    if (error instanceof RangeError) return null
    throw error
  }
}

/** One field of the message, cleaned as its CharField would be. */
function field(errors: FieldErrors, name: string, value: unknown, options: Parameters<typeof cleanChar>[3]): string | undefined {
  const text = asText(value)
  if (text !== null) return cleanChar(errors, name, text, options)
  errors[name] = messages.tooDeep
  return undefined
}

/**
 * Parse a message Vumi's RapidSMS relay POSTs (VumiBackendView + VumiForm, behaviour 65).
 * The body is JSON whatever the content type, e.g.
 *
 *   {"transport_name": "transport", "in_reply_to": null, "group": null,
 *    "from_addr": "127.0.0.1:38634", "message_type": "user_message", "helper_metadata": {},
 *    "to_addr": "0.0.0.0:8005", "content": "ping", "message_version": "20110921",
 *    "transport_type": "telnet", "timestamp": "2012-07-06 14:08:20.845715",
 *    "transport_metadata": {}, "session_event": "resume",
 *    "message_id": "56047985ceec40da908ca064f2fd59d3"}
 *
 * The text is `content` ('' when empty, null or missing); the fields are every listed field
 * ('' when missing or null) plus `external_id` = `message_id`, so replies answer it.
 */
export function parseVumiInbound(request: InboundRequest): Parsed<InboundMessage> {
  let text: string
  try {
    text = strictUtf8.decode(request.body)
  } catch {
    return { ok: false, errors: { __all__: messages.utf8 } }
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return { ok: false, errors: { __all__: messages.json } }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, errors: { __all__: messages.jsonObject } }
  const body = data as Record<string, unknown>
  const errors: FieldErrors = {}
  const fields: Record<string, string> = {}
  for (const name of VUMI_REQUIRED) {
    const value = field(errors, name, body[name], { maxLength: MAX_LENGTH[name] })
    if (value !== undefined) fields[name] = value
  }
  for (const name of VUMI_OPTIONAL) {
    const value = field(errors, name, body[name], { required: false })
    if (value !== undefined) fields[name] = value
  }
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { identity: fields.from_addr!, text: fields.content!, fields: { ...fields, external_id: fields.message_id! } } }
}

/** Vumi's inbound view: POST only, 200 with an empty body. */
export function vumiInbound(): InboundView {
  return { methods: ['POST'], okBody: '', parse: parseVumiInbound }
}
