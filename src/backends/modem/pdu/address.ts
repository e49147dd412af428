/**
 * Address fields (3GPP TS 23.040 9.1.2.5): TP-OA, TP-DA, TP-RA count their length in useful
 * semi-octets; the SMSC address of the PDU mode (TS 24.011 8.2.5.1) in octets, type included.
 * Numbers of international type read with a leading `+`; alphanumeric addresses (type of
 * number 101) are GSM 7-bit text.
 */
import { PduError } from './errors.js'
import { packSeptets, septetsToText, textToSeptets, unpackSeptets } from './gsm7.js'
import type { OctetReader } from './reader.js'

const TON_MASK = 0x70
const TON_INTERNATIONAL = 0x10
const TON_ALPHANUMERIC = 0x50
/** Type of address: international, ISDN/telephone numbering plan. */
export const TOA_INTERNATIONAL = 0x91
/** Type of address: unknown type of number, ISDN/telephone numbering plan. */
export const TOA_UNKNOWN = 0x81
/** Type of address: alphanumeric (GSM 7-bit), unknown numbering plan. */
export const TOA_ALPHANUMERIC = 0xd0

// Semi-octet values 0xA-0xE (TS 24.008 10.5.4.7); 0xF fills an odd count.
const DIGITS = '0123456789*#abc'

/** Semi-octets (swapped nibbles) to digits; stops at a filler. */
export function decodeSemiOctets(octets: Uint8Array, count = octets.length * 2): string {
  let out = ''
  for (let i = 0; i < count; i++) {
    const octet = octets[i >> 1]!
    const nibble = i % 2 === 0 ? octet & 0x0f : octet >> 4
    if (nibble === 0x0f) break
    out += DIGITS[nibble]
  }
  return out
}

/** Digits (0-9 * # a b c) to semi-octets, an odd count filled with F. */
export function encodeSemiOctets(digits: string, field = 'address'): number[] {
  const nibbles = [...digits].map((d) => {
    const value = DIGITS.indexOf(d)
    if (value < 0) throw new PduError(field, `"${d}" is not a digit of a phone number`)
    return value
  })
  if (nibbles.length % 2) nibbles.push(0x0f)
  const out: number[] = []
  for (let i = 0; i < nibbles.length; i += 2) out.push(nibbles[i]! | (nibbles[i + 1]! << 4))
  return out
}

function addressValue(toa: number, value: Uint8Array, semiOctets: number): string {
  if ((toa & TON_MASK) === TON_ALPHANUMERIC) return septetsToText(unpackSeptets(value, Math.floor((semiOctets * 4) / 7)))
  const digits = decodeSemiOctets(value, semiOctets)
  return (toa & TON_MASK) === TON_INTERNATIONAL && digits ? `+${digits}` : digits
}

/** Read TP-OA, TP-DA or TP-RA: its length in semi-octets, its type, its value. */
export function readAddress(reader: OctetReader, field: string): { address: string; toa: number } {
  const semiOctets = reader.octet(field)
  if (semiOctets > 20) throw new PduError(field, `an address has at most 20 semi-octets, this one says ${semiOctets}`, reader.offset - 1)
  const toa = reader.octet(field)
  const value = reader.take(Math.ceil(semiOctets / 2), field)
  return { address: addressValue(toa, value, semiOctets), toa }
}

/** Read the SMSC field of a PDU: its length in octets (0: none), its type, its digits. */
export function readSmsc(reader: OctetReader): string | undefined {
  const octets = reader.octet('SMSC')
  if (octets === 0) return undefined
  if (octets > 12) throw new PduError('SMSC', `an SMSC address has at most 12 octets, this one says ${octets}`, 0)
  const toa = reader.octet('SMSC')
  const value = reader.take(octets - 1, 'SMSC')
  return addressValue(toa, value, value.length * 2) || undefined
}

/** Is this a number (digits, `*`, `#`, with an optional leading `+`) rather than a name? */
export function isNumeric(address: string): boolean {
  return /^\+?[0-9*#]+$/.test(address)
}

/**
 * TP-DA (or TP-OA) octets: `+` numbers as international, other numbers of unknown type,
 * anything else alphanumeric.
 * @example encodeAddress('+27829135934') // [0x0B, 0x91, 0x72, 0x28, 0x19, 0x53, 0x39, 0xF4]
 */
export function encodeAddress(address: string, field = 'to'): number[] {
  if (!address) throw new PduError(field, 'an address is needed')
  if (!isNumeric(address)) {
    const septets = textToSeptets(address)
    if (!septets) throw new PduError(field, `"${address}" is neither a number nor GSM 7-bit text`)
    if (septets.length > 11) throw new PduError(field, `an alphanumeric address has at most 11 characters`)
    return [Math.ceil((septets.length * 7) / 4), TOA_ALPHANUMERIC, ...packSeptets(septets)]
  }
  const digits = address.replace(/^\+/, '')
  if (digits.length > 20) throw new PduError(field, `a number has at most 20 digits, "${address}" has ${digits.length}`)
  return [digits.length, address.startsWith('+') ? TOA_INTERNATIONAL : TOA_UNKNOWN, ...encodeSemiOctets(digits, field)]
}

/** The SMSC field of a PDU: `00` (the modem's own SMSC) when none is given. */
export function encodeSmsc(smsc: string | undefined): number[] {
  if (!smsc) return [0]
  if (!isNumeric(smsc)) throw new PduError('smsc', `"${smsc}" is not a number`)
  const digits = smsc.replace(/^\+/, '')
  if (digits.length > 20) throw new PduError('smsc', `a number has at most 20 digits, "${smsc}" has ${digits.length}`)
  const value = encodeSemiOctets(digits, 'smsc')
  return [value.length + 1, smsc.startsWith('+') ? TOA_INTERNATIONAL : TOA_UNKNOWN, ...value]
}
