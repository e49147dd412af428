/**
 * SMS-STATUS-REPORT (3GPP TS 23.040 9.2.2.3): what became of a message sent with TP-SRR,
 * found by its TP-MR. TP-ST 0x00-0x1F: delivered; 0x20-0x3F: the SMSC still tries;
 * 0x40-0x7F: it gave up.
 *
 *   00  06  D6  0B 91 1326880736F4  11101171955140  11101171957140  00
 *   SMSC FO TP-MR TP-RA             TP-SCTS         TP-DT           TP-ST
 */
import { readAddress } from './address.js'
import type { OctetReader } from './reader.js'
import { readTimestamp } from './timestamp.js'
import { readUserData, type UserData } from './user-data.js'

export interface DecodedStatusReport {
  type: 'status-report'
  smsc: string | undefined
  /** TP-MR of the message this report is about. */
  reference: number
  recipient: string
  /** TP-ST. */
  status: number
  /** TP-ST 0x00-0x1F: the message reached the recipient (or was replaced, or its fate is unknown to the SMSC). */
  delivered: boolean
  /** TP-ST 0x20-0x3F: not yet delivered, the SMSC goes on trying; a final report follows. */
  pending: boolean
  /** TP-SCTS: when the SMSC received the message. */
  timestamp: string
  /** TP-DT: when it was delivered, or when the SMSC gave up. */
  dischargedAt: string
  /** Optional parameters after TP-ST (TP-PI): rarely sent. */
  userData?: UserData
}

/** Is a TP-ST a final failure (the SMSC no longer tries)? */
export function isFailedStatus(status: number): boolean {
  return status >= 0x40
}

/** Read the TPDU after its first octet. */
export function readStatusReport(reader: OctetReader, smsc: string | undefined, firstOctet: number): DecodedStatusReport {
  const reference = reader.octet('TP-MR')
  const { address: recipient } = readAddress(reader, 'TP-RA')
  const timestamp = readTimestamp(reader, 'TP-SCTS')
  const dischargedAt = readTimestamp(reader, 'TP-DT')
  const status = reader.octet('TP-ST')
  const report: DecodedStatusReport = { type: 'status-report', smsc, reference, recipient, status, delivered: status <= 0x1f, pending: status >= 0x20 && status <= 0x3f, timestamp, dischargedAt }
  // TP-PI and what it announces (9.2.3.27); an extension bit or reserved bits: nothing we read.
  if (reader.remaining > 0) {
    const pi = reader.octet('TP-PI')
    if (pi & 0x80 || pi & 0x78) return report
    if (pi & 0x01) reader.octet('TP-PID')
    const dcs = pi & 0x02 ? reader.octet('TP-DCS') : 0
    if (pi & 0x04) report.userData = readUserData(reader, dcs, (firstOctet & 0x40) !== 0)
  }
  return report
}
