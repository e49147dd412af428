import type { RouterServices } from '../../apps/router.js'
import type { BackendConfig } from '../base.js'
import type { FieldErrors, InboundMessage, InboundRequest, Parsed } from './form.js'

/**
 * How a backend receives messages over HTTP: RapidSMS's backend view and form in one pure
 * object. The web edge mounts it at `/backend/<name>/`, answers 405 to other methods, 400
 * when `parse` refuses the request, and otherwise hands the message to the router and
 * answers 200 with `okBody`.
 */
export interface InboundView {
  /** Methods the view accepts (RapidSMS's http_method_names). */
  readonly methods: readonly ('GET' | 'POST')[]
  /** The body of the 200 answer ('' for gateways that would send it back as an SMS). */
  readonly okBody: string
  parse(request: InboundRequest): Parsed<InboundMessage>
}

/** Builds a backend's inbound view from its (lower-cased) configuration. */
export type InboundViewFactory = (config: BackendConfig) => InboundView

/** The answer of an extra endpoint: 200 with a body, or 400 naming the bad fields. */
export type EndpointAnswer = { status: 200; body: string } | { status: 400; errors: FieldErrors }

/**
 * An endpoint a backend class adds besides its inbound view, shared by every backend of
 * that class (Kannel's delivery reports at `/kannel/delivery-report/`).
 */
export interface Endpoint {
  /** Absolute path, with its trailing slash. */
  readonly path: string
  readonly methods: readonly ('GET' | 'POST')[]
  handle(request: InboundRequest, router: RouterServices): Promise<EndpointAnswer>
}

/** What a backend class may declare for the web edge. */
export interface HttpReceiving {
  /** The backend's inbound view (a backend's `inbound` setting overrides it; false: none). */
  inbound?: InboundViewFactory
  /** Endpoints shared by every backend of the class. */
  endpoints?: readonly Endpoint[]
}
