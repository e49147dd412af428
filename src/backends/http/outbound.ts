import { ConfigError } from '../../core/errors.js'
import type { BackendConfig } from '../base.js'
import { basicAuth, sendsmsSettings, type GatewayRequest, type SendsmsSettings } from './client.js'
import { urlencode } from './form.js'
import { genericHttpParams, type GenericHttpParams } from './inbound.js'

export interface HttpOptions extends GenericHttpParams, SendsmsSettings {
  sendsmsMethod: 'GET' | 'POST'
}

/** A generic HTTP backend's configuration (see docs/backends.md); without `sendsms_url` it only receives. */
export function httpOptions(config: BackendConfig): HttpOptions {
  const method = String(config.sendsms_method ?? 'POST').toUpperCase()
  if (method !== 'GET' && method !== 'POST') throw new ConfigError('sendsms_method', 'expected GET or POST')
  return { ...genericHttpParams(config), ...sendsmsSettings(config, 'https://sms.example.com/send'), sendsmsMethod: method }
}

/**
 * The request that sends one message to one identity: `sendsms_params` plus the identity and
 * the text under the backend's parameter names, as a urlencoded form body (POST) or query
 * string (GET), with basic auth when `sendsms_user` and `sendsms_pass` are set.
 *
 *   POST /send  identity=1112223333&text=pong
 */
export function buildHttpRequest(options: HttpOptions & { sendsmsUrl: string }, text: string, identity: string): GatewayRequest {
  const form = urlencode(new Map<string, unknown>([...Object.entries(options.sendsmsParams), [options.identityName, identity], [options.textName, text]]))
  const headers: Record<string, string> = {}
  if (options.sendsmsUser && options.sendsmsPass) headers.authorization = basicAuth(options.sendsmsUser, options.sendsmsPass)
  if (options.sendsmsMethod === 'GET') {
    const base = options.sendsmsUrl.replace(/\?$/, '')
    return { method: 'GET', url: `${base}${base.includes('?') ? '&' : '?'}${form}`, headers }
  }
  headers['content-type'] = 'application/x-www-form-urlencoded'
  return { method: 'POST', url: options.sendsmsUrl, headers, body: form }
}
