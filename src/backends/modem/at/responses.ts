/**
 * The information lines of the answers the backend reads (TS 27.005, TS 27.007).
 */

const unquote = (s: string) => s.trim().replace(/^"(.*)"$/, '$1')

/** Fields of an information line after its prefix: `+CPMS: "SM",3,30` -> ['SM', '3', '30']. */
export function fields(line: string, prefix: string): string[] {
  const body = line.startsWith(prefix) ? line.slice(prefix.length) : line
  const out: string[] = []
  for (const m of body.matchAll(/\s*("[^"]*"|[^,]*)\s*(?:,|$)/g)) {
    if (m.index === body.length && m[0] === '') break
    out.push(unquote(m[1]!))
  }
  return out
}

/** A message read from storage: `+CMGL: <index>,<stat>,[<alpha>],<length>` and its PDU line (or `+CMGR: <stat>,,<length>`). */
export interface StoredPdu {
  index: number
  /** 0 received unread, 1 received read, 2 stored unsent, 3 stored sent. */
  stat: number
  length: number
  pdu: string
}

/** The messages of an `AT+CMGL=<stat>` answer in PDU mode. */
export function parseCmgl(lines: string[]): StoredPdu[] {
  const out: StoredPdu[] = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (!line.startsWith('+CMGL:')) continue
    const [index, stat, , length] = fields(line, '+CMGL:')
    const pdu = lines[i + 1]
    if (pdu === undefined || pdu.startsWith('+CMGL:')) continue
    out.push({ index: Number(index), stat: Number(stat), length: Number(length), pdu })
    i++
  }
  return out
}

/** The message of an `AT+CMGR=<index>` answer in PDU mode (none when the slot is empty). */
export function parseCmgr(index: number, lines: string[]): StoredPdu | undefined {
  const at = lines.findIndex((l) => l.startsWith('+CMGR:'))
  const pdu = lines[at + 1]
  if (at < 0 || !pdu) return undefined
  const [stat, , length] = fields(lines[at]!, '+CMGR:')
  if (!length) return undefined
  return { index, stat: Number(stat), length: Number(length), pdu }
}

/** Use of the memories of `AT+CPMS`: read/delete, write, receive. */
export interface StorageUse {
  storage: string
  used: number
  total: number
}

/** `+CPMS: 3,30,3,30,3,30` (the answer to a set) or `+CPMS: "SM",3,30,...` (to a query). */
export function parseCpms(line: string): StorageUse[] {
  const values = fields(line, '+CPMS:')
  const named = values.length > 0 && !/^\d+$/.test(values[0]!)
  const out: StorageUse[] = []
  const step = named ? 3 : 2
  for (let i = 0; i + step - 1 < values.length; i += step) {
    out.push({ storage: named ? values[i]! : '', used: Number(values[i + (named ? 1 : 0)]), total: Number(values[i + (named ? 2 : 1)]) })
  }
  return out
}

/** `+CSQ: <rssi>,<ber>`: rssi 0-31 (99 unknown) as dBm. */
export function parseCsq(line: string): { rssi: number; ber: number; dbm?: number } {
  const [rssi, ber] = fields(line, '+CSQ:').map(Number) as [number, number]
  return { rssi, ber, dbm: rssi >= 0 && rssi <= 31 ? -113 + 2 * rssi : undefined }
}

const REGISTRATION = ['not registered, not searching', 'registered, home network', 'not registered, searching', 'registration denied', 'unknown', 'registered, roaming']

/** `+CREG: <n>,<stat>[,<lac>,<ci>]` as words. */
export function parseCreg(line: string): { stat: number; text: string } {
  const values = fields(line, '+CREG:')
  // The answer to AT+CREG? has <n> first; an unsolicited one (n=1) only <stat>.
  const stat = Number(values.length >= 2 ? values[1] : values[0])
  return { stat, text: REGISTRATION[stat] ?? `status ${stat}` }
}

/** `+CPIN: READY` / `+CPIN: SIM PIN` ... */
export function parseCpin(line: string): string {
  return fields(line, '+CPIN:').join(',').trim()
}

/** `+CSCA: "+15550000000",145`. */
export function parseCsca(line: string): string {
  return fields(line, '+CSCA:')[0] ?? ''
}
