import type { BackendContext } from '../../core/messages/index.js'
import { BackendBase, type BackendConfig } from '../base.js'
import { gatewayRequest, requestTimeout, type GatewayRequest } from '../http/client.js'
import type { HttpReceiving } from '../http/view.js'
import { vumiInbound } from './inbound.js'
import { buildVumiRequest, vumiOptions, type VumiOptions } from './outbound.js'

/**
 * Backend for Vumi's RapidSMS relay (docs 7.2). Inbound: Vumi POSTs JSON messages to
 * `/backend/<name>/`; outbound: a JSON POST to `sendsms_url` (required), with basic auth
 * when `sendsms_user` and `sendsms_pass` are set. Replies carry `in_reply_to`.
 * @example
 * backends: { 'vumi-fake-smsc': { engine: VumiBackend, sendsms_url: 'http://127.0.0.1:9000/send/' } }
 */
export class VumiBackend extends BackendBase {
  static readonly inbound = vumiInbound
  declare options: VumiOptions
  declare timeoutMs: number

  override configure(config: BackendConfig): void {
    this.options = vumiOptions(config)
    this.timeoutMs = requestTimeout(config)
  }

  /** The JSON POST for a message (RapidSMS's prepare_request). */
  prepareRequest(id: string, text: string, identities: string[], context: BackendContext = {}): GatewayRequest {
    return buildVumiRequest(this.options, id, text, identities, context)
  }

  override async send(id: string, text: string, identities: string[], context: BackendContext): Promise<void> {
    await gatewayRequest(this.name, this.prepareRequest(id, text, identities, context), this.timeoutMs)
  }
}

VumiBackend satisfies HttpReceiving

export { vumiInbound, parseVumiInbound, VUMI_REQUIRED, VUMI_OPTIONAL } from './inbound.js'
export { buildVumiRequest, vumiOptions, pythonJson, type VumiOptions } from './outbound.js'
