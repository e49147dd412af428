/**
 * The user data header (3GPP TS 23.040 9.2.3.24): its length octet, then information
 * elements (identifier, length, data). Concatenation uses IEI 0x00 (8-bit reference) or
 * 0x08 (16-bit reference).
 */
import { PduError } from './errors.js'

export interface InformationElement {
  iei: number
  data: Uint8Array
}

/** Where a part belongs in a concatenated message. */
export interface Concat {
  reference: number
  total: number
  sequence: number
}

export const IEI_CONCAT_8 = 0x00
export const IEI_CONCAT_16 = 0x08

/** Parse a user data header (`octets` starts at its length octet). */
export function parseUdh(octets: Uint8Array, offset: number): { elements: InformationElement[]; concat?: Concat; length: number } {
  const udhl = octets[0]
  if (udhl === undefined) throw new PduError('TP-UDH', 'TP-UDHI is set but the user data is empty', offset)
  if (udhl + 1 > octets.length) throw new PduError('TP-UDH', `the header says ${udhl} octets but the user data has ${octets.length - 1}`, offset)
  const elements: InformationElement[] = []
  let concat: Concat | undefined
  for (let i = 1; i < udhl + 1; ) {
    const iei = octets[i]!
    const length = octets[i + 1]
    if (length === undefined || i + 2 + length > udhl + 1) throw new PduError('TP-UDH', `information element 0x${iei.toString(16).padStart(2, '0')} runs past the header`, offset + i)
    const data = octets.subarray(i + 2, i + 2 + length)
    elements.push({ iei, data })
    // Zero parts, part zero or a part past the total: the element is ignored (9.2.3.24.1).
    if (iei === IEI_CONCAT_8 && length === 3 && data[1]! > 0 && data[2]! > 0 && data[2]! <= data[1]!) {
      concat = { reference: data[0]!, total: data[1]!, sequence: data[2]! }
    } else if (iei === IEI_CONCAT_16 && length === 4 && data[2]! > 0 && data[3]! > 0 && data[3]! <= data[2]!) {
      concat = { reference: (data[0]! << 8) | data[1]!, total: data[2]!, sequence: data[3]! }
    }
    i += 2 + length
  }
  return { elements, concat, length: udhl + 1 }
}

/** A header holding only a concatenation element: 8-bit reference, or 16-bit above 255. */
export function concatUdh(concat: Concat): number[] {
  const { reference, total, sequence } = concat
  if (reference > 0xff) return [6, IEI_CONCAT_16, 4, reference >> 8, reference & 0xff, total, sequence]
  return [5, IEI_CONCAT_8, 3, reference, total, sequence]
}
