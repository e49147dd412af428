import { Hono, type Context } from 'hono'
import type { BackendClass } from '../backends/base.js'
import { FORM_INVALID, type FieldErrors, type InboundRequest } from '../backends/http/form.js'
import type { Endpoint, HttpReceiving, InboundView, InboundViewFactory } from '../backends/http/view.js'
import { ConfigError } from '../core/errors.js'
import { getLogger } from '../core/logger.js'
import type { Host } from '../runtime/host.js'
import { BodyCutOff, BodyTooLarge, inboundRequest } from './inbound-request.js'
import { peerAddress as peer } from './peer.js'
import { anyGuard, backendGuard, type Guard, type GuardRequest } from './protection.js'
import { createSite } from './site.js'

const log = getLogger('rapidsms.web')

export interface EdgeOptions {
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number
  /** Log one line per request. */
  requestLog?: boolean
  /** True once shutdown began: requests then get `Connection: close`, /health says stopping. */
  stopping?: () => boolean
}

/** A backend reachable over HTTP: its inbound view and guard. */
interface Mounted {
  name: string
  view: InboundView
  guard: Guard
}

/** Routes of the edge, for logs and docs: the backend paths and the shared endpoints. */
export interface EdgeRoutes {
  backends: string[]
  endpoints: string[]
}

/** The body of a 400: RapidSMS's text, then one line per refused field. */
export function formInvalidBody(errors: FieldErrors): string {
  return [FORM_INVALID, ...Object.entries(errors).map(([field, reason]) => (field === '__all__' ? reason : `${field}: ${reason}`))].join('\n')
}

/**
 * The web edge as a Hono app: each configured backend with an inbound view at
 * `/backend/<name>/`, the shared endpoints of backend classes (Kannel's delivery reports at
 * `/kannel/delivery-report/`), `/health`, and (unless `web.pages` is false) the web pages
 * behind a login (see createSite). Each view hands its messages in through its backend's
 * inbound port, and answers when the routing strategy says (the blocking and database
 * routers: once the message was processed and its replies sent). `startEdge` serves it;
 * tests and other servers can use the app directly.
 * @example
 * const { app } = createEdge(getRouter())
 * const response = await app.request('/backend/my-provider/?identity=1&text=ping')
 */
export function createEdge(host: Host, options: EdgeOptions = {}): { app: Hono; routes: EdgeRoutes; inFlight: () => number } {
  const bodyLimit = options.bodyLimit ?? host.settings.web.bodyLimit
  const stopping = options.stopping ?? (() => false)
  const backends = new Map<string, Mounted>()
  const endpoints = new Map<string, { endpoint: Endpoint; guards: Guard[] }>()
  for (const [name, entry] of Object.entries(host.settings.backends)) {
    const engine = entry.engine as BackendClass & HttpReceiving
    const config = host.backends.get(name)?.backend.config ?? {}
    const guard = backendGuard(name, config)
    const factory = viewFactory(name, engine, config)
    if (factory) backends.set(name, { name, view: buildView(name, factory, config), guard })
    for (const endpoint of engine.endpoints ?? []) {
      const shared = endpoints.get(endpoint.path) ?? { endpoint, guards: [] }
      shared.guards.push(guard)
      endpoints.set(endpoint.path, shared)
    }
  }

  const port = (name: string) => host.backends.get(name)!.backend.inbound
  const app = new Hono()
  const requestLog = options.requestLog ?? host.settings.web.requestLog
  let inFlight = 0
  /**
   * Around every handler: count it in flight, ask for the connection to close during
   * shutdown, and log one line (when the request log is on). A plain wrapper, not a Hono
   * middleware: the backend routes are the hot path.
   */
  const tracked =
    (handler: (c: Context) => Promise<Response> | Response) =>
    async (c: Context): Promise<Response> => {
      const started = performance.now()
      inFlight++
      if (stopping()) c.header('connection', 'close')
      let status = 500
      try {
        const response = await handler(c)
        status = response.status
        return response
      } finally {
        inFlight--
        if (requestLog && log.isLevelEnabled('info')) {
          log.info({ method: c.req.raw.method, path: c.req.path, status, ms: Math.round((performance.now() - started) * 10) / 10, ip: peer(c) }, 'request')
        }
      }
    }

  app.get(
    '/health',
    tracked((c) => {
      const stats = host.stats()
      return c.json({ status: stopping() ? 'stopping' : 'ok', ...stats }, stopping() ? 503 : 200)
    }),
  )

  for (const [path, { endpoint, guards }] of endpoints) {
    const guard = anyGuard(guards)
    const handler = tracked(async (c) => {
      const request = await admit(c, endpoint.methods, guard, `endpoint ${path}`)
      if (request instanceof Response) return request
      const answer = await endpoint.handle(request, host)
      return answer.status === 200 ? c.body(answer.body, 200, TEXT) : invalid(c, `endpoint ${path}`, answer.errors)
    })
    app.all(path, handler)
    app.all(path.replace(/\/$/, ''), handler)
  }

  /** A gateway's message: parse it, run it through the router, answer the view's OK. */
  async function receive(c: Context, { name, view, guard }: Mounted): Promise<Response> {
    const request = await admit(c, view.methods, guard, name)
    if (request instanceof Response) return request
    const parsed = view.parse(request)
    if (!parsed.ok) return invalid(c, name, parsed.errors)
    const { identity, text, fields } = parsed.value
    // The view is the backend's HTTP inbound source: its port hands the message in, and the
    // routing strategy says when the gateway may have its answer.
    await port(name).receive(identity, text, fields ?? {})
    return c.body(view.okBody, 200, TEXT)
  }
  // One parameter route for every backend (not one static route per backend): it keeps Hono
  // on its RegExpRouter, the fastest, where static routes beside it would not.
  const byName = tracked((c) => {
    const mounted = backends.get(c.req.param('name') ?? '')
    return mounted ? receive(c, mounted) : c.text('Not Found', 404)
  })
  app.all('/backend/:name/', byName)
  app.all('/backend/:name', byName)

  // The web pages: one Hono app of their own, answering what no route above matched, so their
  // routes and middleware never weigh on those routes (this router stays Hono's RegExpRouter,
  // and a backend's request matches one handler, which Hono runs without composing a chain).
  const site = host.settings.web.pages ? createSite(host, { stats: () => host.stats() }) : undefined
  app.notFound(tracked((c) => (site ? site.fetch(c.req.raw, c.env) : c.text('Not Found', 404))))
  app.onError((error, c) => {
    log.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed')
    return c.text('Internal Server Error', 500)
  })

  /** Method check (405), guard (401/403), body (413, or 400 when cut off): the request, or the refusal to answer (logged). */
  async function admit(c: Context, methods: readonly string[], guard: Guard, what: string): Promise<InboundRequest | Response> {
    // HEAD is not GET here: RapidSMS's views answer it 405, and it must not run the router.
    const method = c.req.raw.method
    if (!methods.includes(method)) return c.text('Method Not Allowed', 405, { allow: methods.join(', ') })
    if (guard.active) {
      const refusal = guard.check(guardRequest(c))
      if (refusal) {
        log.warn({ backend: what, ip: peer(c), status: refusal.status, reason: refusal.reason }, 'request refused')
        return c.text(refusal.status === 401 ? 'Unauthorized' : 'Forbidden', refusal.status, refusal.challenge ? { 'www-authenticate': refusal.challenge } : {})
      }
    }
    let request: InboundRequest
    try {
      request = await inboundRequest(c, bodyLimit)
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        log.warn({ backend: what, ip: peer(c), reason: error.message }, 'request refused')
        return c.text('Payload Too Large', 413)
      }
      if (error instanceof BodyCutOff) return invalid(c, what, { __all__: error.message })
      throw error
    }
    if (stopping()) return c.text('Service Unavailable', 503, { 'retry-after': '5' })
    return request
  }

  return { app, routes: { backends: [...backends.keys()].map((n) => `/backend/${encodeURIComponent(n)}/`), endpoints: [...endpoints.keys()] }, inFlight: () => inFlight }
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8' }

function invalid(c: Context, what: string, errors: FieldErrors): Response {
  log.warn({ backend: what, method: c.req.raw.method, errors }, FORM_INVALID)
  return c.body(formInvalidBody(errors), 400, TEXT)
}

function viewFactory(name: string, engine: HttpReceiving, config: Record<string, unknown>): InboundViewFactory | undefined {
  const override = config.inbound
  if (override === undefined || override === null) return engine.inbound
  if (override === false) return undefined
  if (typeof override !== 'function') throw new ConfigError(`backends.${name}.inbound`, 'expected an inbound view (e.g. genericHttpInbound) or false')
  return override as InboundViewFactory
}

function buildView(name: string, factory: InboundViewFactory, config: Record<string, unknown>): InboundView {
  try {
    return factory(config)
  } catch (error) {
    if (error instanceof ConfigError) throw error.under(`backends.${name}`)
    throw error
  }
}

function guardRequest(c: Context): GuardRequest {
  const url = c.req.raw.url
  const q = url.indexOf('?')
  return { ip: peer(c), header: (name) => c.req.header(name), query: q < 0 ? '' : url.slice(q + 1) }
}
