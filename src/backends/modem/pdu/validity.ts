/**
 * TP-VP, the validity period of an SMS-SUBMIT (3GPP TS 23.040 9.2.3.12): relative (one
 * octet, 5 minutes to 63 weeks), absolute (a timestamp) or enhanced (seven octets).
 */
import { parseDuration } from '../../../core/duration.js'
import { PduError } from './errors.js'
import type { OctetReader } from './reader.js'
import { encodeTimestamp, readTimestamp } from './timestamp.js'

const MINUTE = 60_000

/** How long, or until when, the SMSC keeps trying: a duration (ms or `'24h'`), or a time (a Date, or ISO 8601 with its zone). */
export type Validity = number | string | Date

/** TP-VP values by format: 0 none, 2 relative, 3 absolute (1, enhanced, is only read). */
export type ValidityField = { format: 0; octets: [] } | { format: 2; octets: [number] } | { format: 3; octets: number[] }

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T/

/**
 * The relative TP-VP octet for a duration, rounded up to the next value the format has.
 * @example relativeValidity(24 * 3_600_000) // 167 (0xA7)
 */
export function relativeValidity(ms: number): number {
  const minutes = Math.ceil(ms / MINUTE)
  if (minutes <= 12 * 60) return Math.max(0, Math.ceil(minutes / 5) - 1)
  if (minutes <= 24 * 60) return 143 + Math.ceil((minutes - 12 * 60) / 30)
  if (minutes <= 30 * 24 * 60) return 166 + Math.ceil(minutes / (24 * 60))
  const weeks = Math.ceil(minutes / (7 * 24 * 60))
  if (weeks > 63) throw new PduError('validity', 'a relative validity period is at most 63 weeks')
  return 192 + weeks
}

/** The duration (ms) a relative TP-VP octet stands for. */
export function relativeValidityMs(octet: number): number {
  if (octet <= 143) return (octet + 1) * 5 * MINUTE
  if (octet <= 167) return (12 * 60 + (octet - 143) * 30) * MINUTE
  if (octet <= 196) return (octet - 166) * 24 * 60 * MINUTE
  return (octet - 192) * 7 * 24 * 60 * MINUTE
}

/** The TP-VPF and TP-VP octets for a validity; none when undefined. */
export function encodeValidity(validity: Validity | undefined): ValidityField {
  if (validity === undefined) return { format: 0, octets: [] }
  if (validity instanceof Date || (typeof validity === 'string' && ISO_TIME.test(validity))) return { format: 3, octets: encodeTimestamp(validity) }
  let ms: number
  try {
    ms = parseDuration(validity, 'validity')
  } catch (error) {
    throw new PduError('validity', (error as Error).message)
  }
  return { format: 2, octets: [relativeValidity(ms)] }
}

/** Read TP-VP in the format TP-VPF gives: a duration in ms (relative), an ISO time (absolute). */
export function readValidity(reader: OctetReader, format: number): number | string | undefined {
  if (format === 2) return relativeValidityMs(reader.octet('TP-VP'))
  if (format === 3) return readTimestamp(reader, 'TP-VP')
  if (format !== 1) return undefined
  // Enhanced format (9.2.3.12.3): a functionality indicator, then the period; always 7 octets.
  const octets = reader.take(7, 'TP-VP')
  const kind = octets[0]! & 0x07
  if (kind === 1) return relativeValidityMs(octets[1]!)
  if (kind === 2) return octets[1]! * 1000
  if (kind === 3) {
    const digit = (o: number) => (o & 0x0f) * 10 + (o >> 4)
    return ((digit(octets[1]!) * 60 + digit(octets[2]!)) * 60 + digit(octets[3]!)) * 1000
  }
  return undefined
}
