/**
 * TP-DCS (3GPP TS 23.038 4) and TP-UD (TS 23.040 9.2.3.24): which alphabet the text is in,
 * and the text after the optional header. TP-UDL counts septets for GSM 7-bit (header
 * included, with its fill bits), octets otherwise.
 */
import { PduError } from './errors.js'
import { septetsToText, unpackSeptets } from './gsm7.js'
import type { OctetReader } from './reader.js'
import { parseUdh, type Concat, type InformationElement } from './udh.js'

export type Encoding = 'gsm7' | 'ucs2' | '8bit'

/** The alphabet a TP-DCS octet names; compressed text and reserved alphabets read as 8-bit data. */
export function alphabetOf(dcs: number): Encoding {
  const group = dcs >> 4
  if (group <= 0x7) {
    // General data coding (00xx) and automatic deletion (01xx) groups.
    if (dcs & 0x20) return '8bit'
    const alphabet = (dcs >> 2) & 0x03
    return alphabet === 0 ? 'gsm7' : alphabet === 2 ? 'ucs2' : '8bit'
  }
  if (group === 0xe) return 'ucs2'
  if (group === 0xf) return dcs & 0x04 ? '8bit' : 'gsm7'
  // Message waiting groups (1100, 1101) and the reserved 1000-1011: the default alphabet.
  return 'gsm7'
}

export interface UserData {
  text: string
  encoding: Encoding
  data?: Uint8Array
  concat?: Concat
  udh?: InformationElement[]
}

/** Decode UTF-16 big-endian octets (UCS-2 as phones send it, surrogate pairs included). */
export function decodeUcs2(octets: Uint8Array): string {
  return Buffer.from(octets).swap16().toString('utf16le')
}

/** Read TP-UDL and TP-UD. */
export function readUserData(reader: OctetReader, dcs: number, udhi: boolean): UserData {
  const udlOffset = reader.offset
  const udl = reader.octet('TP-UDL')
  const encoding = alphabetOf(dcs)
  const max = encoding === 'gsm7' ? 160 : 140
  if (udl > max) throw new PduError('TP-UDL', `${udl} is more than the ${max} ${encoding === 'gsm7' ? 'septets' : 'octets'} a message can hold`, udlOffset)
  const length = encoding === 'gsm7' ? Math.ceil((udl * 7) / 8) : udl
  if (length > reader.remaining) {
    throw new PduError('TP-UD', `TP-UDL says ${udl} ${encoding === 'gsm7' ? 'septets' : 'octets'} (${length} octets) but only ${reader.remaining} follow`, reader.offset)
  }
  const start = reader.offset
  const octets = reader.take(length, 'TP-UD')
  const header = udhi ? parseUdh(octets, start) : undefined
  const headerOctets = header?.length ?? 0
  const extra = { ...(header?.concat && { concat: header.concat }), ...(header && { udh: header.elements }) }
  if (encoding === 'gsm7') {
    const headerSeptets = Math.ceil((headerOctets * 8) / 7)
    if (headerSeptets > udl) throw new PduError('TP-UDL', `${udl} septets cannot hold a ${headerOctets}-octet header`, udlOffset)
    const fill = headerSeptets * 7 - headerOctets * 8
    const septets = unpackSeptets(octets.subarray(headerOctets), udl - headerSeptets, fill)
    return { text: septetsToText(septets), encoding, ...extra }
  }
  const body = octets.subarray(headerOctets)
  if (encoding === 'ucs2') {
    if (body.length % 2) throw new PduError('TP-UD', `UCS-2 text has an even number of octets, this one ${body.length}`, start + headerOctets)
    return { text: decodeUcs2(body), encoding, ...extra }
  }
  const data = Uint8Array.from(body)
  return { text: Buffer.from(data).toString('latin1'), encoding, data, ...extra }
}
