import { BackendSendError } from '../../core/errors.js'
import type { BackendContext } from '../../core/messages/index.js'
import { BackendBase, type BackendConfig } from '../base.js'
import { gatewayRequest, requestTimeout } from './client.js'
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
export class HttpBackend extends BackendBase {
  static readonly inbound = genericHttpInbound
  declare options: HttpOptions
  declare timeoutMs: number

  override configure(config: BackendConfig): void {
    this.options = httpOptions(config)
    this.timeoutMs = requestTimeout(config)
  }

  /**
   * One request per identity. When some fail, the error names only those, so a retry does
   * not send the message twice to the others.
   */
  override async send(_id: string, text: string, identities: string[], _context: BackendContext): Promise<void> {
    const { sendsmsUrl } = this.options
    if (!sendsmsUrl) throw new BackendSendError(this.name, 'has no sendsms_url, so it can only receive messages', { retryable: false })
    const results = await Promise.allSettled(identities.map((identity) => gatewayRequest(this.name, buildHttpRequest({ ...this.options, sendsmsUrl }, text, identity), this.timeoutMs)))
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
export type { InboundView, InboundViewFactory, Endpoint, EndpointAnswer, HttpReceiving } from './view.js'
