import { defineEntity, type InferEntity } from '@mikro-orm/core'
import { IDENTITY_MAX } from '../../core/config.js'
import { getLogger } from '../../core/logger.js'
import { cleanChar, decodeForm, messages, type FieldErrors, type InboundRequest, type Parsed } from '../http/form.js'
import type { Endpoint } from '../http/view.js'
import { DELIVERY_REPORT_PATH } from './outbound.js'

/** Kannel's delivery report statuses (the `%d` of the dlr-url), as RapidSMS names them. */
export const DLR_STATUSES = {
  1: 'Delivery Success',
  2: 'Delivery Failure',
  4: 'Message Buffered',
  8: 'SMSC Submit',
  16: 'SMSC Reject',
} as const
export type DlrStatus = keyof typeof DLR_STATUSES

/** A delivery report Kannel sent for an outgoing message (RapidSMS's kannel DeliveryReport). */
export const DeliveryReport = defineEntity({
  name: 'DeliveryReport',
  tableName: 'kannel_deliveryreport',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    /** When the report arrived. */
    date: p.datetime(),
    /** When the message was sent (Kannel's `%t`). */
    dateSent: p.datetime(),
    /** The id of our outgoing message. */
    messageId: p.string().length(255).index(),
    identity: p.string().length(IDENTITY_MAX),
    /** Kannel's id of the SMS (`%I`; differs between the reports of one message). */
    smsId: p.string().length(36),
    smsc: p.string().length(255),
    status: p.smallint(),
    statusText: p.string().length(255),
  }),
})
export type DeliveryReport = InferEntity<typeof DeliveryReport>

/** The fields of a valid report (the row without id and arrival date). */
export type DeliveryReportData = Omit<DeliveryReport, 'id' | 'date'>

/**
 * Parse a delivery-report callback (RapidSMS's DeliveryReportView form, behaviour 64). Every
 * field is required, with the model's lengths; `status` must be one of the five statuses.
 * Captured from Kannel 1.4.5 (the fake SMSC acknowledges, then reports delivery):
 *
 *   GET /kannel/delivery-report/?message_id=42&status=8&status_text=ACK%2F&smsc=FAKE
 *       &sms_id=b44f4cfb-9a8c-4dd0-9c5f-c60875b09fd4&date_sent=2026-11-27+10:59:25&identity=123
 *   GET /kannel/delivery-report/?message_id=42&status=1&status_text=&smsc=FAKE&sms_id=...
 *
 * One deliberate difference: `status_text` must be present but may be empty, because real
 * Kannel sends an empty `%A` with status 1 (RapidSMS refuses that report with a 400).
 */
export function parseDeliveryReport(request: InboundRequest): Parsed<DeliveryReportData> {
  const data = decodeForm(request.query)
  const errors: FieldErrors = {}
  const messageId = cleanChar(errors, 'message_id', data.get('message_id'), { maxLength: 255 })
  const identity = cleanChar(errors, 'identity', data.get('identity'), { maxLength: IDENTITY_MAX })
  const smsId = cleanChar(errors, 'sms_id', data.get('sms_id'), { maxLength: 36 })
  const smsc = cleanChar(errors, 'smsc', data.get('smsc'), { maxLength: 255 })
  const status = cleanStatus(errors, data.get('status'))
  const statusText = data.has('status_text') ? cleanChar(errors, 'status_text', data.get('status_text'), { required: false, maxLength: 255 }) : missing(errors, 'status_text')
  const dateSent = cleanDateTime(errors, 'date_sent', data.get('date_sent'))
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { messageId: messageId!, identity: identity!, smsId: smsId!, smsc: smsc!, status: status!, statusText: statusText!, dateSent: dateSent! } }
}

function missing(errors: FieldErrors, name: string): undefined {
  errors[name] = messages.required
  return undefined
}

function cleanStatus(errors: FieldErrors, raw: string | undefined): DlrStatus | undefined {
  if (raw === undefined || raw === '') return missing(errors, 'status')
  if (!Object.keys(DLR_STATUSES).includes(raw)) {
    errors.status = messages.choice(raw)
    return undefined
  }
  return Number(raw) as DlrStatus
}

// Django's DATETIME_INPUT_FORMATS (and ISO 8601, which newer Django also reads). Kannel's `%t`
// is "YYYY-MM-DD HH:MM:SS" in GMT; a time without an offset is taken as UTC.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i
const US = /^(\d{2})\/(\d{2})\/(\d{2}|\d{4})(?: (\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/

/** A Django DateTimeField: trimmed, then one of its formats; the Date, or an error. */
export function cleanDateTime(errors: FieldErrors, name: string, raw: string | undefined): Date | undefined {
  const value = (raw ?? '').trim()
  if (!value) return missing(errors, name)
  const date = parseDateTime(value)
  if (!date) errors[name] = messages.dateTime
  return date
}

export function parseDateTime(value: string): Date | undefined {
  let y: number, mo: number, d: number, parts: (string | undefined)[], zone: string | undefined
  const iso = ISO.exec(value)
  const us = iso ? null : US.exec(value)
  if (iso) {
    ;[y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    parts = iso.slice(4, 8)
    zone = iso[8]
  } else if (us) {
    const year = Number(us[3])
    ;[y, mo, d] = [us[3]!.length === 2 ? (year < 69 ? 2000 + year : 1900 + year) : year, Number(us[1]), Number(us[2])]
    parts = us.slice(4, 8)
  } else return undefined
  const [h = 0, mi = 0, s = 0] = parts.slice(0, 3).map((p) => Number(p ?? 0))
  const ms = Math.floor(Number(`0.${parts[3] ?? '0'}`) * 1000)
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined
  // Not Date.UTC(y, ...): it reads the years 0-99 as 1900-1999.
  const check = new Date(0)
  check.setUTCFullYear(y, mo - 1, d)
  check.setUTCHours(h, mi, s, ms)
  let time = check.getTime()
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return undefined
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000
  }
  return new Date(time)
}

const log = getLogger('rapidsms.backends.kannel')

/**
 * Kannel's delivery-report view at `/kannel/delivery-report/`: GET only; a valid report is
 * stored (committed before the answer) and answered 200 with an empty body. Delivery
 * Success, Delivery Failure and SMSC Reject are also told to the router (with the
 * DatabaseRouter, the transmission becomes `D` or `E`).
 */
export const deliveryReportEndpoint: Endpoint = {
  path: DELIVERY_REPORT_PATH,
  methods: ['GET'],
  async handle(request, router) {
    const parsed = parseDeliveryReport(request)
    if (!parsed.ok) return { status: 400, errors: parsed.errors }
    await router.db.writer.insert(DeliveryReport, { ...parsed.value, date: router.clock.date() })
    // Delivered, or finally not (failed, or refused by the SMSC): the router records it.
    const outcome = parsed.value.status === 1 ? 'delivered' : parsed.value.status === 2 || parsed.value.status === 16 ? 'failed' : undefined
    if (outcome) await router.reportStatus({ messageId: parsed.value.messageId, identity: parsed.value.identity, outcome })
    log.info({ msgId: parsed.value.messageId, status: parsed.value.status, identity: parsed.value.identity }, `delivery report: ${DLR_STATUSES[parsed.value.status as DlrStatus]}`)
    return { status: 200, body: '' }
  },
}
