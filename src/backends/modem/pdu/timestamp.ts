/**
 * TP-SCTS, TP-DT and the absolute TP-VP (3GPP TS 23.040 9.2.3.11): seven octets of swapped
 * semi-octets, year to second in local time, then the zone as quarters of an hour with the
 * sign in bit 3 of its first semi-octet.
 */
import { PduError } from './errors.js'
import type { OctetReader } from './reader.js'

const two = (n: number) => String(n).padStart(2, '0')

function bcd(octet: number, field: string, offset: number): number {
  const tens = octet & 0x0f
  const units = octet >> 4
  if (tens > 9 || units > 9) throw new PduError(field, `0x${octet.toString(16).padStart(2, '0').toUpperCase()} is not a two-digit number`, offset)
  return tens * 10 + units
}

/**
 * Read a timestamp as an ISO 8601 string with the zone offset the PDU carries.
 * @example // 31 30 80 51 20 61 80 -> '2013-03-08T15:02:16+02:00'
 */
export function readTimestamp(reader: OctetReader, field: string): string {
  const start = reader.offset
  const octets = reader.take(7, field)
  const [yy, month, day, hour, minute, second] = [0, 1, 2, 3, 4, 5].map((i) => bcd(octets[i]!, field, start + i)) as [number, number, number, number, number, number]
  const zone = octets[6]!
  const negative = (zone & 0x08) !== 0
  const quarters = bcd(zone & 0xf7, field, start + 6)
  // Two-digit years: 90-99 are the 1990s (the first GSM networks), the rest this century.
  const year = yy >= 90 ? 1900 + yy : 2000 + yy
  const offset = `${negative && quarters ? '-' : '+'}${two(Math.floor(quarters / 4))}:${two((quarters % 4) * 15)}`
  return `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}${offset}`
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|([+-])(\d{2}):?(\d{2}))$/

const swap = (n: number) => ((n % 10) << 4) | Math.floor(n / 10)

/**
 * Seven octets for a time: an ISO 8601 string keeps its own offset (rounded to a quarter of
 * an hour), a Date is written in UTC.
 */
export function encodeTimestamp(time: string | Date, field = 'validity'): number[] {
  let parts: { year: number; month: number; day: number; hour: number; minute: number; second: number; quarters: number }
  if (time instanceof Date) {
    if (Number.isNaN(time.getTime())) throw new PduError(field, 'the date is invalid')
    parts = { year: time.getUTCFullYear(), month: time.getUTCMonth() + 1, day: time.getUTCDate(), hour: time.getUTCHours(), minute: time.getUTCMinutes(), second: time.getUTCSeconds(), quarters: 0 }
  } else {
    const m = ISO.exec(time)
    if (!m) throw new PduError(field, `"${time}" is not an ISO 8601 time with a zone (e.g. 2013-07-10T13:39:00+02:00)`)
    const sign = m[8] === '-' ? -1 : 1
    const quarters = m[7] === 'Z' ? 0 : sign * Math.round((Number(m[9]) * 60 + Number(m[10])) / 15)
    parts = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6] ?? 0), quarters }
  }
  if (Math.abs(parts.quarters) > 79) throw new PduError(field, 'a zone offset is at most 19:45 hours')
  const zone = swap(Math.abs(parts.quarters)) | (parts.quarters < 0 ? 0x08 : 0)
  return [parts.year % 100, parts.month, parts.day, parts.hour, parts.minute, parts.second].map(swap).concat(zone)
}
