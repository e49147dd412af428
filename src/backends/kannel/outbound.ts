import { ConfigError } from '../../core/errors.js'
import type { BackendConfig } from '../base.js'
import { sendsmsSettings, type GatewayRequest } from '../http/client.js'
import { quotePlus, urlencode } from '../http/form.js'
import { codecOf, encodeText, ENCODE_ERRORS, fitsGsm7, type Charset, type EncodeErrors } from './encoding.js'

/** Where RapidSMS serves Kannel's delivery reports (its urls.py under `^kannel/`). */
export const DELIVERY_REPORT_PATH = '/kannel/delivery-report/'
/** Kannel's default sendsms interface. */
export const DEFAULT_SENDSMS_URL = 'http://127.0.0.1:13013/cgi-bin/sendsms'
/** Every delivery report Kannel can send: 1 + 2 + 4 + 8 + 16. */
export const DLR_MASK = 31

export interface KannelOptions {
  sendsmsUrl: string
  sendsmsParams: Record<string, unknown>
  /** The charset name as configured (sent as `charset`), and its codec. */
  charset: string
  codec: Charset
  /** 0 (7-bit), 1 (8-bit), 2 (UCS-2), or 'auto': 0 when the text fits GSM 7-bit, else 2. */
  coding: number | 'auto'
  encodeErrors: EncodeErrors
  deliveryReportUrl?: string
  /** The backend's `shared_secret`, added to the dlr-url so delivery reports pass the guard. */
  secret?: string
}

/**
 * Read a Kannel backend's configuration (RapidSMS's KannelBackend.configure), with its
 * defaults: `sendsms_url` Kannel's local sendsms, `charset` ascii, `coding` 0,
 * `encode_errors` ignore. `coding: 'auto'` makes the charset default UTF-8.
 */
export function kannelOptions(config: BackendConfig): KannelOptions {
  const { sendsmsUrl = DEFAULT_SENDSMS_URL, sendsmsParams } = sendsmsSettings(config, DEFAULT_SENDSMS_URL)
  const coding = config.coding || 0
  if (coding !== 'auto' && ![0, 1, 2, '0', '1', '2'].includes(coding as number)) throw new ConfigError('coding', 'expected 0 (7-bit), 1 (8-bit), 2 (UCS-2) or "auto"')
  const charset = config.charset || (coding === 'auto' ? 'UTF-8' : 'ascii')
  if (typeof charset !== 'string' || !charset) throw new ConfigError('charset', 'expected a charset name such as ascii or UTF-8')
  const encodeErrors = config.encode_errors || 'ignore'
  if (!ENCODE_ERRORS.includes(encodeErrors as EncodeErrors)) throw new ConfigError('encode_errors', `expected one of ${ENCODE_ERRORS.join(', ')}`)
  const deliveryReportUrl = config.delivery_report_url || undefined
  if (deliveryReportUrl !== undefined && (typeof deliveryReportUrl !== 'string' || !URL.canParse(deliveryReportUrl))) {
    throw new ConfigError('delivery_report_url', 'expected the full URL Kannel reaches this server at, e.g. http://127.0.0.1:8000')
  }
  return {
    sendsmsUrl,
    sendsmsParams,
    charset,
    codec: codecOf(charset),
    coding: coding === 'auto' ? 'auto' : Number(coding),
    encodeErrors: encodeErrors as EncodeErrors,
    deliveryReportUrl: deliveryReportUrl || undefined,
    secret: typeof config.shared_secret === 'string' && config.shared_secret ? config.shared_secret : undefined,
  }
}

/**
 * The dlr-url Kannel calls back (behaviour 63): our delivery-report view with the message id
 * and Kannel's escapes for status, status text, SMSC, SMS id, time and phone.
 */
export function deliveryReportUrl(base: string, id: string, secret?: string): string {
  const url = `${base}${DELIVERY_REPORT_PATH}?message_id=${id}&status=%d&status_text=%A&smsc=%i&sms_id=%I&date_sent=%t&identity=%p`
  // Kannel copies the URL as is but for its %-escapes, so a literal % in the secret is doubled.
  return secret === undefined ? url : `${url}&secret=${quotePlus(secret).replaceAll('%', '%%')}`
}

/**
 * The sendsms request for one message (RapidSMS's prepare_request, behaviour 62): a GET with
 * the configured params, `to` (identities joined by spaces), `text` encoded in the charset,
 * `coding`, `charset`, and `dlr-mask`/`dlr-url` when delivery reports are on. Parameters are
 * quoted as Python's urlencode does, in the same order.
 *
 *   GET /cgi-bin/sendsms?smsc=FAKE&from=789&username=rapidsms&password=CHANGE-ME&to=123
 *       &text=pong&coding=0&charset=ascii&dlr-mask=31&dlr-url=http%3A%2F%2F...
 */
export function buildSendsmsRequest(options: KannelOptions, id: string, text: string, identities: string[], backend = 'kannel'): GatewayRequest {
  const query = new Map<string, unknown>(Object.entries(options.sendsmsParams))
  const coding = options.coding === 'auto' ? (fitsGsm7(text) ? 0 : 2) : options.coding
  query.set('to', identities.join(' '))
  query.set('text', encodeText(text, options.codec, options.encodeErrors, backend))
  query.set('coding', coding)
  query.set('charset', options.charset)
  if (options.deliveryReportUrl) {
    query.set('dlr-mask', DLR_MASK)
    query.set('dlr-url', deliveryReportUrl(options.deliveryReportUrl, id, options.secret))
  }
  const encoded = urlencode(query)
  const base = options.sendsmsUrl.replace(/\?$/, '')
  return { method: 'GET', url: `${base}${base.includes('?') ? '&' : '?'}${encoded}` }
}
