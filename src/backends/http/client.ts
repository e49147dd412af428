import { BackendSendError, ConfigError } from '../../core/errors.js'

/** One request to a gateway, built by a backend's outbound code. */
export interface GatewayRequest {
  url: string
  method: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
}

export interface GatewayResponse {
  status: number
  body: string
}

/** The default time a gateway has to answer (backend setting `timeout_ms`). */
export const DEFAULT_TIMEOUT_MS = 10_000

/**
 * Send a request to a gateway. A 2xx answer is success (Kannel answers 202); anything else
 * throws a BackendSendError carrying the status, retryable for 5xx only. Timeouts and
 * connection errors throw retryable errors; 4xx never are (behaviours 62, 66).
 */
export async function gatewayRequest(backend: string, request: GatewayRequest, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<GatewayResponse> {
  let response: Response
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    const timedOut = (error as Error)?.name === 'TimeoutError'
    const reason = timedOut ? `no answer from ${origin(request.url)} within ${timeoutMs} ms` : `cannot reach ${origin(request.url)}: ${describe(error)}`
    throw new BackendSendError(backend, reason, { retryable: true, cause: error })
  }
  const body = await response.text().catch(() => '')
  if (response.status < 200 || response.status > 299) {
    throw new BackendSendError(backend, `${origin(request.url)} answered ${response.status}${body ? `: ${body.slice(0, 200)}` : ''}`, {
      status: response.status,
      retryable: response.status >= 500,
    })
  }
  return { status: response.status, body }
}

/**
 * `Authorization` header value of HTTP basic auth. The credentials are Latin-1 bytes, as
 * RapidSMS's HTTP client (requests) sends them; beyond Latin-1, UTF-8 (RFC 7617's charset).
 */
export function basicAuth(user: string, password: string): string {
  const credentials = `${user}:${password}`
  const latin1 = [...credentials].every((c) => c.codePointAt(0)! <= 0xff)
  return `Basic ${Buffer.from(credentials, latin1 ? 'latin1' : 'utf8').toString('base64')}`
}

/** scheme://host:port of a URL: never log query strings (they carry gateway passwords). */
function origin(url: string): string {
  try {
    const u = new URL(url)
    return `${u.origin}${u.pathname}`
  } catch {
    return 'the gateway'
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error)
}

/** A backend's `timeout_ms` setting (default 10 s). */
export function requestTimeout(config: Record<string, unknown>): number {
  const value = config.timeout_ms ?? DEFAULT_TIMEOUT_MS
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new ConfigError('timeout_ms', 'expected a whole number of milliseconds > 0')
  return value
}

/** The settings every gateway backend reads to send (RapidSMS's names). */
export interface SendsmsSettings {
  /** Where to send; undefined when not set. */
  sendsmsUrl?: string
  /** Parameters sent with every message. */
  sendsmsParams: Record<string, unknown>
  /** HTTP basic auth towards the gateway, when both are set. */
  sendsmsUser?: string
  sendsmsPass?: string
}

/**
 * Read `sendsms_url` (`example` shows one in the error), `sendsms_params`, `sendsms_user`
 * and `sendsms_pass`, throwing a ConfigError naming the key at fault.
 */
export function sendsmsSettings(config: Record<string, unknown>, example: string): SendsmsSettings {
  const url = config.sendsms_url
  if (url !== undefined && url !== null && url !== '' && (typeof url !== 'string' || !URL.canParse(url))) throw new ConfigError('sendsms_url', `expected a URL such as ${example}`)
  const params = config.sendsms_params ?? {}
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new ConfigError('sendsms_params', 'expected an object of parameters sent with every message')
  const text = (key: string) => {
    const value = config[key]
    if (value !== undefined && value !== null && typeof value !== 'string') throw new ConfigError(key, 'expected a string')
    return (value as string | null | undefined) || undefined
  }
  return { sendsmsUrl: (url as string | null | undefined) || undefined, sendsmsParams: params as Record<string, unknown>, sendsmsUser: text('sendsms_user'), sendsmsPass: text('sendsms_pass') }
}
