/**
 * What a modem writes, cut into lines and the `> ` prompt of `+CMGS` (TS 27.005 3.5.1), and
 * what each line is: a final result, an unsolicited result (`+CMTI`, `+CMT`, `+CDS`,
 * `+CDSI`, `RING`...) or a line of a command's answer. Bytes may come one at a time.
 *
 *   \r\n+CMGS: 7\r\n\r\nOK\r\n        \r\n> \r\n+CMTI: "SM",3\r\n
 */
import type { FinalError } from './errors.js'

export type AtToken = { kind: 'line'; text: string } | { kind: 'prompt' }

/** Cuts the modem's output into lines (ended by CR, LF or both) and prompts. */
export class AtLineSplitter {
  #buffer = ''

  /** Split what has arrived; `prompt`: a `>` at the start of a line is the prompt (only while a +CMGS waits for it). */
  feed(chunk: string, prompt: () => boolean): AtToken[] {
    this.#buffer += chunk
    const tokens: AtToken[] = []
    for (;;) {
      const lead = /^[\r\n]*/.exec(this.#buffer)![0].length
      if (lead) this.#buffer = this.#buffer.slice(lead)
      if (this.#buffer.startsWith('>') && prompt()) {
        this.#buffer = this.#buffer.slice(this.#buffer.startsWith('> ') ? 2 : 1)
        tokens.push({ kind: 'prompt' })
        continue
      }
      const end = this.#buffer.search(/[\r\n]/)
      if (end < 0) return tokens
      const text = this.#buffer.slice(0, end).trim()
      this.#buffer = this.#buffer.slice(end + 1)
      if (text) tokens.push({ kind: 'line', text })
    }
  }

  /** Forget a partial line (after the port was reopened). */
  reset(): void {
    this.#buffer = ''
  }
}

const SIMPLE_FINALS = new Set<FinalError>(['ERROR', 'NO CARRIER', 'BUSY', 'NO ANSWER', 'NO DIALTONE', 'COMMAND NOT SUPPORT'])

export type FinalResult = { ok: true } | { ok: false; result: FinalError; code?: number; detail?: string }

/** The final result a line is, if it is one. */
export function finalResult(line: string): FinalResult | undefined {
  if (line === 'OK') return { ok: true }
  if (SIMPLE_FINALS.has(line as FinalError)) return { ok: false, result: line as FinalError }
  const m = /^\+(CME|CMS) ERROR:\s*(.*)$/.exec(line)
  if (!m) return undefined
  const result = m[1] === 'CME' ? '+CME ERROR' : '+CMS ERROR'
  const value = m[2]!.trim()
  return /^\d+$/.test(value) ? { ok: false, result, code: Number(value) } : { ok: false, result, detail: value }
}

export type Unsolicited =
  | { type: 'CMTI'; storage: string; index: number }
  | { type: 'CDSI'; storage: string; index: number }
  | { type: 'CMT'; length: number; pdu: string }
  | { type: 'CDS'; length: number; pdu: string }
  | { type: 'RING' }
  | { type: 'other'; line: string }

// Unsolicited results a modem may send at any time. A line with the prefix of the running
// command (+CREG: after AT+CREG?) is that command's answer instead.
const UNSOLICITED = ['+CMTI:', '+CMT:', '+CDS:', '+CDSI:', 'RING', '+CRING:', '+CLIP:', '+CUSD:', '+CREG:', '+CGREG:', '+CEREG:', '+CIEV:', '+CBM:', '^', 'NO CARRIER']

/** The information prefix a command's answer lines have: `AT+CMGL=4` -> `+CMGL:`. */
export function answerPrefix(command: string): string | undefined {
  const m = /^AT([+^$%][A-Z0-9]+)/i.exec(command)
  return m ? `${m[1]!.toUpperCase()}:` : undefined
}

/** Is the line an unsolicited result, while `command` (if any) runs? */
export function isUnsolicited(line: string, command?: string): boolean {
  if (line === 'NO CARRIER' && command) return false
  if (!UNSOLICITED.some((prefix) => line.startsWith(prefix))) return false
  const own = command && answerPrefix(command)
  return !(own && line.startsWith(own))
}

/** Does this unsolicited header announce a PDU on the next line (`+CMT: ,45`, `+CDS: 25`)? */
export function announcesPdu(line: string): boolean {
  return line.startsWith('+CMT:') || line.startsWith('+CDS:')
}

const unquote = (s: string) => s.trim().replace(/^"(.*)"$/, '$1')

/** The unsolicited result of a line (and, for +CMT and +CDS, of the PDU line after it). */
export function parseUnsolicited(line: string, pdu?: string): Unsolicited {
  let m = /^\+(CMTI|CDSI):\s*([^,]*),\s*(\d+)/.exec(line)
  if (m) return { type: m[1] as 'CMTI' | 'CDSI', storage: unquote(m[2]!), index: Number(m[3]) }
  m = /^\+(CMT|CDS):\s*(?:.*,)?\s*(\d+)\s*$/.exec(line)
  if (m && pdu !== undefined) return { type: m[1] as 'CMT' | 'CDS', length: Number(m[2]), pdu }
  if (line === 'RING' || line.startsWith('+CRING:')) return { type: 'RING' }
  return { type: 'other', line }
}
