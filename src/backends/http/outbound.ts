import { ConfigError } from '../../core/errors.js'
import type { BackendConfig } from '../base.js'
import { basicAuth, type GatewayRequest } from './client.js'
import { urlencode } from './form.js'
import { genericHttpParams, type GenericHttpParams } from './inbound.js'

export interface HttpOptions extends GenericHttpParams {
  /** Where to send messages; without it the backend only receives. */
  sendsmsUrl?: string
  sendsmsMethod: 'GET' | 'POST'
  sendsmsParams: Record<string, unknown>
  sendsmsUser?: string
  sendsmsPass?: string
}

/** A generic HTTP backend's configuration (see docs/backends.md). */
export function httpOptions(config: BackendConfig): HttpOptions {
  const url = config.sendsms_url
  if (url !== undefined && url !== null && (typeof url !== 'string' || !URL.canParse(url))) throw new ConfigError('sendsms_url', "expected the provider's send URL, e.g. https://sms.example.com/send")
  const method = String(config.sendsms_method ?? 'POST').toUpperCase()
  if (method !== 'GET' && method !== 'POST') throw new ConfigError('sendsms_method', 'expected GET or POST')
  const params = config.sendsms_params ?? {}
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new ConfigError('sendsms_params', 'expected an object of parameters sent with every message')
  const text = (key: string) => {
    const value = config[key]
    if (value !== undefined && value !== null && typeof value !== 'string') throw new ConfigError(key, 'expected a string')
    return (value as string | null | undefined) || undefined
  }
  return {
    ...genericHttpParams(config),
    sendsmsUrl: (url as string | null | undefined) || undefined,
    sendsmsMethod: method,
    sendsmsParams: params as Record<string, unknown>,
    sendsmsUser: text('sendsms_user'),
    sendsmsPass: text('sendsms_pass'),
  }
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
