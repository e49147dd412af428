import { ConfigError } from '../../core/errors.js'
import type { BackendContext } from '../../core/messages/index.js'
import type { BackendConfig } from '../base.js'
import { basicAuth, sendsmsSettings, type GatewayRequest, type SendsmsSettings } from '../http/client.js'

export type VumiOptions = SendsmsSettings & { sendsmsUrl: string }

/** A Vumi backend's configuration; `sendsms_url` is required (behaviour 66). */
export function vumiOptions(config: BackendConfig): VumiOptions {
  const settings = sendsmsSettings(config, 'http://127.0.0.1:9000/send/')
  if (!settings.sendsmsUrl) throw new ConfigError('sendsms_url', "is required: the URL of Vumi's RapidSMS relay, e.g. http://127.0.0.1:9000/send/")
  return { ...settings, sendsmsUrl: settings.sendsmsUrl }
}

/**
 * The JSON POST that sends a message through Vumi (RapidSMS's prepare_request):
 * `sendsms_params` merged with `content`, `to_addr` (a list), `session_event: null` and
 * `metadata.rapidsms_msg_id`; `in_reply_to` = the context's `external_id` when there is
 * exactly one identity; `endpoint` and `from_addr` from the context when present (no other
 * context keys). Basic auth when both `sendsms_user` and `sendsms_pass` are set.
 *
 *   POST /send/  {"content": "pong", "to_addr": ["127.0.0.1:38634"], "session_event": null,
 *                 "metadata": {"rapidsms_msg_id": "..."}, "in_reply_to": "56047985..."}
 */
export function buildVumiRequest(options: VumiOptions, id: string, text: string, identities: string[], context: BackendContext = {}): GatewayRequest {
  const payload = new Map<string, unknown>(Object.entries(options.sendsmsParams))
  payload.set('content', text)
  payload.set('to_addr', identities)
  payload.set('session_event', null)
  payload.set('metadata', { rapidsms_msg_id: id })
  if (identities.length === 1 && 'external_id' in context) payload.set('in_reply_to', context.external_id)
  for (const key of ['endpoint', 'from_addr']) if (key in context) payload.set(key, context[key])
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (options.sendsmsUser && options.sendsmsPass) headers.authorization = basicAuth(options.sendsmsUser, options.sendsmsPass)
  return { method: 'POST', url: options.sendsmsUrl, headers, body: pythonJson(Object.fromEntries(payload)) }
}

/**
 * JSON as Python's json.dumps writes it (what RapidSMS sends): `", "` and `": "` separators
 * and non-ASCII characters escaped as \uXXXX.
 */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`
  return `{${Object.entries(value as object)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`)
    .join(', ')}}`
}
