import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
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
 * Connections to gateways are kept open between requests (keep-alive), at most this many
 * to one gateway at once; more requests wait their turn (within their timeout).
 */
export const MAX_SOCKETS_PER_GATEWAY = 64
const agents = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_GATEWAY }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_GATEWAY }),
}

/**
 * Send a request to a gateway. A 2xx answer is success (Kannel answers 202); anything else
 * throws a BackendSendError carrying the status, retryable for 5xx only. Timeouts and
 * connection errors throw retryable errors; 4xx never are (behaviours 62, 66).
 *
 * Node's http client with keep-alive agents, not fetch: a bulk job hands a gateway
 * thousands of requests a second, which fetch serves at a fraction of that rate. The time
 * limit is the network's (a timer of the machine, not the host's clock), for the whole
 * exchange: connecting, waiting for the turn of a connection, the answer and its body.
 */
export function gatewayRequest(backend: string, request: GatewayRequest, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<GatewayResponse> {
  let target: Target
  try {
    target = targetOf(request.url)
  } catch {
    return Promise.reject(new BackendSendError(backend, `cannot send to ${JSON.stringify(request.url)}: not a URL`, { retryable: false }))
  }
  const { agent } = target
  if (!agent) return Promise.reject(new BackendSendError(backend, `cannot send to ${origin(request.url)}: only http and https URLs are supported`, { retryable: false }))
  const headers: Record<string, string | number> = { ...request.headers }
  if (request.body !== undefined) {
    headers['content-length'] = Buffer.byteLength(request.body)
    // As fetch does for a text body without a type.
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'text/plain;charset=UTF-8'
  }
  return new Promise((resolve, reject) => {
    let settled = false
    const finish = (outcome: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      outcome()
    }
    const failed = (error: unknown) =>
      finish(() => {
        const timedOut = (error as Error)?.name === 'TimeoutError'
        const reason = timedOut ? `no answer from ${origin(request.url)} within ${timeoutMs} ms` : `cannot reach ${origin(request.url)}: ${describe(error)}`
        reject(new BackendSendError(backend, reason, { retryable: true, cause: error }))
      })
    const client = target.https ? httpsRequest : httpRequest
    const req = client({ ...target.options, method: request.method, headers, agent }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', failed)
      response.on('end', () =>
        finish(() => {
          const status = response.statusCode ?? 0
          const body = Buffer.concat(chunks).toString('utf8')
          if (status >= 200 && status <= 299) return resolve({ status, body })
          reject(new BackendSendError(backend, `${origin(request.url)} answered ${status}${body ? `: ${body.slice(0, 200)}` : ''}`, { status, retryable: status >= 500 }))
        }),
      )
    })
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' })), timeoutMs)
    req.on('error', failed)
    req.end(request.body)
  })
}

/** Where a request goes, as Node's http client takes it, and through which agent (none: not http or https). */
interface Target {
  options: { protocol: string; hostname: string; port: string; path: string; auth?: string }
  https: boolean
  agent: HttpAgent | undefined
}

// A backend sends to one URL, its query made per message (Kannel's to, text and dlr-url): the
// URLs before their query are kept parsed, the last few of them.
const targets = new Map<string, Target>()
/** A query sent as it is: nothing in it that URL parsing would percent-encode (or a fragment). */
const PLAIN_QUERY = /^\?[^\s"#<>'\x00-\x1f\x7f-\uffff]+$/

function targetOf(href: string): Target {
  const start = href.indexOf('?')
  if (start < 0) return parsedTarget(href)
  const [before, query] = [href.slice(0, start), href.slice(start)]
  if (!PLAIN_QUERY.test(query) || before.includes('#')) return parseTarget(href)
  const base = parsedTarget(before)
  return { ...base, options: { ...base.options, path: `${base.options.path}${query}` } }
}

function parsedTarget(href: string): Target {
  let target = targets.get(href)
  if (!target) {
    target = parseTarget(href)
    if (targets.size >= 16) targets.delete(targets.keys().next().value!)
    targets.set(href, target)
  }
  return target
}

function parseTarget(href: string): Target {
  const url = new URL(href)
  const auth = url.username || url.password ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
  return { options: { protocol: url.protocol, hostname, port: url.port, path: `${url.pathname}${url.search}`, ...(auth && { auth }) }, https: url.protocol === 'https:', agent: agents[url.protocol as keyof typeof agents] }
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
  const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string } } | undefined
  return e?.code ?? e?.cause?.code ?? e?.message ?? String(error)
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
