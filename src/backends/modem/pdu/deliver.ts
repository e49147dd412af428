/**
 * SMS-DELIVER (3GPP TS 23.040 9.2.2.1): a message the network delivered to the modem.
 *
 *   07 91 7228195339F4  04  0B 91 7228214365F7  00  00  31308051206180  05 D4F29C2E03
 *   SMSC               TP-MTI...  TP-OA         PID DCS TP-SCTS          UDL "Test2"
 */
import { readAddress } from './address.js'
import type { OctetReader } from './reader.js'
import { readTimestamp } from './timestamp.js'
import { readUserData, type UserData } from './user-data.js'

export interface DecodedDeliver extends UserData {
  type: 'deliver'
  smsc: string | undefined
  from: string
  /** When the SMSC received it, with the zone offset the PDU carries. */
  timestamp: string
  pid: number
  dcs: number
  /** TP-SRI: the sender asked for a status report. */
  statusReportRequested: boolean
}

/** Read the TPDU after its first octet. */
export function readDeliver(reader: OctetReader, smsc: string | undefined, firstOctet: number): DecodedDeliver {
  const { address: from } = readAddress(reader, 'TP-OA')
  const pid = reader.octet('TP-PID')
  const dcs = reader.octet('TP-DCS')
  const timestamp = readTimestamp(reader, 'TP-SCTS')
  const userData = readUserData(reader, dcs, (firstOctet & 0x40) !== 0)
  return { type: 'deliver', smsc, from, timestamp, pid, dcs, statusReportRequested: (firstOctet & 0x20) !== 0, ...userData }
}
