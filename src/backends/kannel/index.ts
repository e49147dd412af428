import type { BackendContext } from '../../core/messages/index.js'
import type { BackendConfig } from '../base.js'
import type { GatewayRequest } from '../http/client.js'
import { GatewayBackend } from '../http/gateway-backend.js'
import type { HttpReceiving } from '../http/view.js'
import { deliveryReportEndpoint, DeliveryReport } from './delivery-report.js'
import { kannelInbound } from './inbound.js'
import { migrations } from './migrations/index.js'
import { buildSendsmsRequest, kannelOptions, type KannelOptions } from './outbound.js'

/**
 * Backend for the Kannel SMS gateway (docs 7.1). Inbound: Kannel's get-url calls
 * `/backend/<name>/?id=%p&text=%a&charset=%C&coding=%c`; outbound: a GET to Kannel's
 * sendsms; with `delivery_report_url`, Kannel's delivery reports are stored as
 * DeliveryReport rows.
 * @example
 * backends: {
 *   'kannel-fake-smsc': {
 *     engine: KannelBackend,
 *     sendsms_url: 'http://127.0.0.1:13013/cgi-bin/sendsms',
 *     sendsms_params: { smsc: 'FAKE', from: '123', username: 'rapidsms', password: 'CHANGE-ME' },
 *     coding: 0, charset: 'ascii', encode_errors: 'ignore',
 *     delivery_report_url: 'http://127.0.0.1:8000',
 *   },
 * }
 */
export class KannelBackend extends GatewayBackend<KannelOptions> {
  static override entities = [DeliveryReport]
  static override migrations = migrations
  // RapidSMS shows them in the admin, read-only: they are Kannel's record, not ours to edit.
  static override admin = [{ entity: DeliveryReport, readOnly: true, nav: 'Delivery reports', list: ['date', 'messageId', 'identity', 'status', 'statusText', 'smsc', 'dateSent'], search: ['messageId', 'identity'] }]
  static readonly inbound = kannelInbound
  static readonly endpoints = [deliveryReportEndpoint]

  protected override readOptions(config: BackendConfig): KannelOptions {
    return kannelOptions(config)
  }

  /** The sendsms request for a message (RapidSMS's prepare_request). */
  override prepareRequest(id: string, text: string, identities: string[], _context: BackendContext = {}): GatewayRequest {
    return buildSendsmsRequest(this.options, id, text, identities, this.name)
  }
}

KannelBackend satisfies HttpReceiving

export { DeliveryReport, DLR_STATUSES, parseDeliveryReport, deliveryReportEndpoint, type DeliveryReportData } from './delivery-report.js'
export { kannelInbound, parseKannelInbound } from './inbound.js'
export { buildSendsmsRequest, kannelOptions, deliveryReportUrl, DELIVERY_REPORT_PATH, DEFAULT_SENDSMS_URL, type KannelOptions } from './outbound.js'
export { encodeText, fitsGsm7 } from './encoding.js'
