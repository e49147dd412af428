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

/** `Authorization` header value of HTTP basic auth. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`
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
