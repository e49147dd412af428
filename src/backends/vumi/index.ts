import type { BackendContext } from '../../core/messages/index.js'
import type { BackendConfig } from '../base.js'
import type { GatewayRequest } from '../http/client.js'
import { GatewayBackend } from '../http/gateway-backend.js'
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
export class VumiBackend extends GatewayBackend<VumiOptions> {
  static readonly inbound = vumiInbound

  protected override readOptions(config: BackendConfig): VumiOptions {
    return vumiOptions(config)
  }

  /** The JSON POST for a message (RapidSMS's prepare_request). */
  override prepareRequest(id: string, text: string, identities: string[], context: BackendContext = {}): GatewayRequest {
    return buildVumiRequest(this.options, id, text, identities, context)
  }
}

VumiBackend satisfies HttpReceiving

export { vumiInbound, parseVumiInbound, VUMI_REQUIRED, VUMI_OPTIONAL } from './inbound.js'
export { buildVumiRequest, vumiOptions, pythonJson, type VumiOptions } from './outbound.js'
