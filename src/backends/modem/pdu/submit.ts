/**
 * SMS-SUBMIT (3GPP TS 23.040 9.2.2.2): a message for the modem to send (`AT+CMGS`), or one
 * stored on the SIM as sent or unsent.
 *
 *   00   01  00  0B 91 7228001011F1  00  00  0C C8329BFD065DDF72363904
 *   SMSC FO TP-MR TP-DA              PID DCS UDL "Hello World!"
 */
import { encodeAddress, encodeSmsc, readAddress } from './address.js'
import { PduError } from './errors.js'
import { charSeptets, packSeptets } from './gsm7.js'
import { toHex, type OctetReader } from './reader.js'
import { concatUdh } from './udh.js'
import { readUserData, type Encoding, type UserData } from './user-data.js'
import { encodeValidity, readValidity, type Validity } from './validity.js'

export interface DecodedSubmit extends UserData {
  type: 'submit'
  smsc: string | undefined
  to: string
  /** TP-MR. */
  reference: number
  /** TP-VP: a duration in ms (relative, enhanced) or an ISO time (absolute), if any. */
  validity?: number | string
  requestStatusReport: boolean
  rejectDuplicates: boolean
  pid: number
  dcs: number
}

/** Read the TPDU after its first octet. */
export function readSubmit(reader: OctetReader, smsc: string | undefined, firstOctet: number): DecodedSubmit {
  const reference = reader.octet('TP-MR')
  const { address: to } = readAddress(reader, 'TP-DA')
  const pid = reader.octet('TP-PID')
  const dcs = reader.octet('TP-DCS')
  const validity = readValidity(reader, (firstOctet >> 3) & 0x03)
  const userData = readUserData(reader, dcs, (firstOctet & 0x40) !== 0)
  return {
    type: 'submit',
    smsc,
    to,
    reference,
    ...(validity !== undefined && { validity }),
    requestStatusReport: (firstOctet & 0x20) !== 0,
    rejectDuplicates: (firstOctet & 0x04) !== 0,
    pid,
    dcs,
    ...userData,
  }
}

export interface SubmitOptions {
  /** The recipient: `+` and digits for an international number. */
  to: string
  text: string
  /** `auto`: GSM 7-bit when every character fits, else UCS-2. */
  encoding?: 'auto' | Encoding
  /** TP-MR (the modem usually sets its own and answers it in `+CMGS: <mr>`). */
  reference?: number
  /** Concatenation reference of a long message (default: `reference`); above 255 a 16-bit one. */
  concatReference?: number
  /** TP-SRR: ask the SMSC for a status report. */
  requestStatusReport?: boolean
  /** TP-RD: the SMSC may reject a duplicate of an earlier message (same TP-MR and TP-DA). */
  rejectDuplicates?: boolean
  /** TP-VP: a duration (ms or `'24h'`) or a time (a Date, or ISO 8601 with its zone); none by default. */
  validity?: Validity
  /** The SMSC number; `00` (the modem's own) when none. */
  smsc?: string
  /** With `encoding: '8bit'`: the octets to send (`text` is then ignored). */
  data?: Uint8Array
}

/** One PDU for `AT+CMGS=<tpduLength>`: upper-case hex, SMSC field first. */
export interface SubmitPdu {
  pdu: string
  tpduLength: number
}

const SINGLE = { gsm7: 160, ucs2: 140, '8bit': 140 }
const PART = { gsm7: 153, ucs2: 134, '8bit': 134 }
const CONCAT_OCTETS = 6

interface Unit {
  /** Septets (GSM 7-bit) or octets (UCS-2, 8-bit) of one character. */
  code: number[]
}

function unitsOf(options: SubmitOptions, encoding: Encoding): Unit[] {
  if (encoding === '8bit') {
    const octets = options.data ?? Uint8Array.from(Buffer.from(options.text, 'latin1'))
    return Array.from(octets, (octet) => ({ code: [octet] }))
  }
  const units: Unit[] = []
  for (const char of options.text) {
    if (encoding === 'gsm7') {
      const code = charSeptets(char)
      if (!code) throw new PduError('text', `"${char}" is not in the GSM 7-bit alphabet; use encoding 'ucs2' or 'auto'`)
      units.push({ code })
    } else {
      const be = Buffer.from(char, 'utf16le').swap16()
      units.push({ code: [...be] })
    }
  }
  return units
}

function chooseEncoding(options: SubmitOptions): Encoding {
  const wanted = options.encoding ?? 'auto'
  if (wanted !== 'auto') return wanted
  if (options.data) return '8bit'
  for (const char of options.text) if (!charSeptets(char)) return 'ucs2'
  return 'gsm7'
}

/** Split characters into parts of at most `size` septets/octets, never splitting one. */
function split(units: Unit[], size: number): number[][] {
  const parts: number[][] = [[]]
  for (const { code } of units) {
    if (parts.at(-1)!.length + code.length > size) parts.push([])
    parts.at(-1)!.push(...code)
  }
  return parts
}

const DCS = { gsm7: 0x00, '8bit': 0x04, ucs2: 0x08 }

/**
 * SMS-SUBMIT PDUs for a text: one, or one per part of a long text (153 GSM 7-bit septets or
 * 67 UCS-2 characters a part, with a concatenation header), each with the TPDU length
 * `AT+CMGS=` takes.
 * @example
 * encodeSubmit({ to: '+27820001111', text: 'Hello World!' })
 * // [{ pdu: '0001000B917228001011F100000CC8329BFD065DDF72363904', tpduLength: 24 }]
 */
export function encodeSubmit(options: SubmitOptions): SubmitPdu[] {
  if (typeof options.text !== 'string' && !options.data) throw new PduError('text', 'a text is needed')
  const encoding = chooseEncoding(options)
  const reference = options.reference ?? 0
  if (!Number.isInteger(reference) || reference < 0 || reference > 255) throw new PduError('reference', 'TP-MR is a number from 0 to 255')
  const concatReference = options.concatReference ?? reference
  if (!Number.isInteger(concatReference) || concatReference < 0 || concatReference > 0xffff) throw new PduError('concatReference', 'a concatenation reference is a number from 0 to 65535')
  const units = unitsOf(options, encoding)
  const total = units.reduce((n, u) => n + u.code.length, 0)
  const concatOctets = concatReference > 0xff ? CONCAT_OCTETS + 1 : CONCAT_OCTETS
  const partSize = encoding === 'gsm7' ? SINGLE.gsm7 - Math.ceil((concatOctets * 8) / 7) : PART[encoding] - (concatOctets - CONCAT_OCTETS)
  const bodies = total <= SINGLE[encoding] ? [units.flatMap((u) => u.code)] : split(units, partSize)
  if (bodies.length > 255) throw new PduError('text', `the text needs ${bodies.length} parts; a message has at most 255`)

  const smsc = encodeSmsc(options.smsc)
  const to = encodeAddress(options.to)
  const validity = encodeValidity(options.validity)
  const concatenated = bodies.length > 1
  const firstOctet = 0x01 | (options.rejectDuplicates ? 0x04 : 0) | (validity.format << 3) | (options.requestStatusReport ? 0x20 : 0) | (concatenated ? 0x40 : 0)
  return bodies.map((body, i) => {
    const udh = concatenated ? concatUdh({ reference: concatReference, total: bodies.length, sequence: i + 1 }) : []
    let udl: number
    let ud: number[]
    if (encoding === 'gsm7') {
      const headerSeptets = Math.ceil((udh.length * 8) / 7)
      udl = headerSeptets + body.length
      ud = [...udh, ...packSeptets(body, headerSeptets * 7 - udh.length * 8)]
    } else {
      udl = udh.length + body.length
      ud = [...udh, ...body]
    }
    const tpdu = [firstOctet, reference, ...to, 0x00, DCS[encoding], ...validity.octets, udl, ...ud]
    return { pdu: toHex([...smsc, ...tpdu]), tpduLength: tpdu.length }
  })
}
