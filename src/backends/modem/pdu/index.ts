/**
 * The PDU codec of the GSM modem backend (3GPP TS 23.040, TS 23.038): SMS-DELIVER,
 * SMS-SUBMIT and SMS-STATUS-REPORT as `+CMGL`, `+CMGR`, `+CMT` and `+CDS` give them, and the
 * SMS-SUBMIT PDUs `AT+CMGS` takes.
 */
import { readSmsc } from './address.js'
import { readDeliver, type DecodedDeliver } from './deliver.js'
import { PduError } from './errors.js'
import { fromHex, OctetReader } from './reader.js'
import { readStatusReport, type DecodedStatusReport } from './status-report.js'
import { readSubmit, type DecodedSubmit } from './submit.js'

export type DecodedPdu = DecodedDeliver | DecodedSubmit | DecodedStatusReport

/**
 * Decode a PDU in hex. With `smsc: true` (the default) it starts with the SMSC field, as
 * modems give PDUs; `smsc: false` for a bare TPDU. Throws a PduError saying why a PDU cannot
 * be decoded (truncated, lengths that do not add up, a message type it is not).
 * @example
 * decodePdu('06917228195339040B917228214365F700003130805120618005D4F29C2E03')
 * // { type: 'deliver', smsc: '+2782913593', from: '+27821234567', text: 'Test2',
 * //   encoding: 'gsm7', timestamp: '2013-03-08T15:02:16+02:00', ... }
 */
export function decodePdu(hex: string, options: { smsc?: boolean } = {}): DecodedPdu {
  const reader = new OctetReader(fromHex(hex))
  const smsc = options.smsc === false ? undefined : readSmsc(reader)
  const firstOctet = reader.octet('first octet')
  // TP-MTI as a DTE reads stored and received messages: 00 deliver, 01 submit, 10 status report.
  switch (firstOctet & 0x03) {
    case 0:
      return readDeliver(reader, smsc, firstOctet)
    case 1:
      return readSubmit(reader, smsc, firstOctet)
    case 2:
      return readStatusReport(reader, smsc, firstOctet)
    default:
      throw new PduError('TP-MTI', 'message type 3 is reserved', reader.offset - 1)
  }
}

export { encodeSubmit, type SubmitOptions, type SubmitPdu, type DecodedSubmit } from './submit.js'
export type { DecodedDeliver } from './deliver.js'
export { isFailedStatus, type DecodedStatusReport } from './status-report.js'
export type { Encoding, UserData } from './user-data.js'
export type { Concat, InformationElement } from './udh.js'
export { PduError } from './errors.js'
export { fitsGsm7, GSM7_BASIC, GSM7_EXTENSION, packSeptets, unpackSeptets, septetsToText, textToSeptets } from './gsm7.js'
export { encodeAddress, encodeSmsc, decodeSemiOctets, encodeSemiOctets } from './address.js'
export { encodeTimestamp } from './timestamp.js'
export { relativeValidity, relativeValidityMs, type Validity } from './validity.js'
