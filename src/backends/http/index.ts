import { BackendSendError } from '../../core/errors.js'
import type { BackendContext } from '../../core/messages/index.js'
import type { BackendConfig } from '../base.js'
import { gatewayRequest, type GatewayRequest } from './client.js'
import { GatewayBackend } from './gateway-backend.js'
import { genericHttpInbound } from './inbound.js'
import { buildHttpRequest, httpOptions, type HttpOptions } from './outbound.js'
import type { HttpReceiving } from './view.js'

/**
 * A generic HTTP provider (RapidSMS's GenericHttpBackendView, with an outbound side): it
 * receives `identity` and `text` (names configurable) by GET or POST at `/backend/<name>/`,
 * and sends each message to each identity as one request to `sendsms_url`.
 * @example
 * backends: {
 *   'my-provider': { engine: HttpBackend, identity_name: 'phone', text_name: 'message',
 *                    sendsms_url: 'https://sms.example.com/send', sendsms_params: { key: '...' } },
 * }
 */
export class HttpBackend extends GatewayBackend<HttpOptions> {
  static readonly inbound = genericHttpInbound

  protected override readOptions(config: BackendConfig): HttpOptions {
    return httpOptions(config)
  }

  /** A generic provider takes one recipient per request. */
  override get identitiesPerRequest(): number {
    return 1
  }

  /** The request for one identity: a generic provider takes one recipient per request. */
  override prepareRequest(_id: string, text: string, identities: string[]): GatewayRequest {
    const { sendsmsUrl } = this.options
    if (!sendsmsUrl) throw new BackendSendError(this.name, 'has no sendsms_url, so it can only receive messages', { retryable: false })
    return buildHttpRequest({ ...this.options, sendsmsUrl }, text, identities[0]!)
  }

  /**
   * One request per identity. When some fail, the error names only those, so a retry does
   * not send the message twice to the others.
   */
  override async send(id: string, text: string, identities: string[], _context: BackendContext): Promise<void> {
    const requests = identities.map((identity) => this.prepareRequest(id, text, [identity]))
    const results = await Promise.allSettled(requests.map((request) => gatewayRequest(this.name, request, this.timeoutMs)))
    const failed = identities.filter((_, i) => results[i]!.status === 'rejected')
    if (!failed.length) return
    const first = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as BackendSendError
    if (failed.length === identities.length && identities.length === 1) throw first
    throw new BackendSendError(this.name, `${failed.length} of ${identities.length} identities failed: ${first.message}`, {
      status: first.options?.status,
      retryable: results.every((r) => r.status === 'fulfilled' || (r.reason as BackendSendError).options?.retryable),
      failedIdentities: failed,
      cause: first,
    })
  }
}

HttpBackend satisfies HttpReceiving

export { genericHttpInbound, parseGenericHttp, genericHttpParams, DEFAULT_PARAMS, type GenericHttpParams } from './inbound.js'
export { buildHttpRequest, httpOptions, type HttpOptions } from './outbound.js'
export { gatewayRequest, basicAuth, requestTimeout, DEFAULT_TIMEOUT_MS, type GatewayRequest, type GatewayResponse } from './client.js'
export { FORM_INVALID, decodeForm, decodeFormBytes, urlencode, quotePlus, cleanChar, type InboundRequest, type InboundMessage, type FieldErrors, type Parsed } from './form.js'
export { readFormBody, type FormBody } from './form-body.js'
export { decodeText, knownCharset } from './charset.js'
export type { InboundView, InboundViewFactory, Endpoint, EndpointAnswer, HttpReceiving } from './view.js'
