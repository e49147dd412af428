import type { SubmitOptions } from '../../../../src/backends/modem/index.js'

/** Where a set of vectors comes from: a public repository and the file holding them. */
export interface VectorSource {
  repository: string
  file: string
  note?: string
}

/** A PDU and what decodePdu must find in it (a subset of its fields). */
export interface DecodeVector {
  name: string
  hex: string
  smsc?: boolean
  expected: Record<string, unknown>
}

/** Options and the exact PDUs encodeSubmit must give. */
export interface EncodeVector {
  name: string
  options: SubmitOptions
  pdus: string[]
  tpduLengths?: number[]
}

/** A PDU decodePdu must refuse, and words its error must have. */
export interface ErrorVector {
  name: string
  hex: string
  smsc?: boolean
  error: RegExp
}

export interface VectorSet {
  source: VectorSource
  decode?: DecodeVector[]
  encode?: EncodeVector[]
  errors?: ErrorVector[]
}
