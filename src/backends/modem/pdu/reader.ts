import { PduError } from './errors.js'

/** Reads a PDU octet by octet; running past its end throws a PduError naming the field. */
export class OctetReader {
  #offset = 0

  constructor(readonly octets: Uint8Array) {}

  get offset(): number {
    return this.#offset
  }

  get remaining(): number {
    return this.octets.length - this.#offset
  }

  octet(field: string): number {
    if (this.#offset >= this.octets.length) throw new PduError(field, `the PDU ends after ${this.octets.length} octets`, this.#offset)
    return this.octets[this.#offset++]!
  }

  take(count: number, field: string): Uint8Array {
    if (this.#offset + count > this.octets.length) {
      throw new PduError(field, `needs ${count} octet(s) but the PDU has ${this.remaining} left`, this.#offset)
    }
    const slice = this.octets.subarray(this.#offset, this.#offset + count)
    this.#offset += count
    return slice
  }
}

/** Octets from hex (either case, blanks around ignored); throws on odd lengths or non-hex digits. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.trim()
  if (clean.length % 2 !== 0) throw new PduError('PDU', `a hex PDU has an even number of digits, this one has ${clean.length}`)
  if (!/^[0-9a-fA-F]*$/.test(clean)) throw new PduError('PDU', 'a hex PDU has only the digits 0-9 and A-F')
  return Uint8Array.from(Buffer.from(clean, 'hex'))
}

/** Upper-case hex of octets, as AT+CMGS takes it. */
export function toHex(octets: Uint8Array | number[]): string {
  return Buffer.from(octets).toString('hex').toUpperCase()
}
