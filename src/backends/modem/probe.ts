/**
 * `rapidsms modem probe`: what a user runs first when a modem does not work. Opens the port,
 * asks the modem who it is and how it is (without resetting it or changing its settings),
 * and says what each answer means.
 */
import { systemClock, type Clock } from '../../core/clock.js'
import { AtChannel } from './at/channel.js'
import { AtError, AtTimeoutError } from './at/errors.js'
import { fields, parseCpin, parseCpms, parseCreg, parseCsca, parseCsq } from './at/responses.js'
import { openSerial, type OpenSerial } from './serial.js'

export interface ProbeLine {
  label: string
  value: string
  ok: boolean
}

export interface ProbeReport {
  port: string
  answered: boolean
  lines: ProbeLine[]
}

const QUESTIONS: { label: string; command: string; read: (lines: string[]) => { value: string; ok?: boolean } }[] = [
  { label: 'Manufacturer', command: 'AT+CGMI', read: (lines) => ({ value: lines.join(' ') }) },
  { label: 'Model', command: 'AT+CGMM', read: (lines) => ({ value: lines.join(' ') }) },
  { label: 'Revision', command: 'AT+CGMR', read: (lines) => ({ value: lines.join(' ') }) },
  { label: 'IMEI', command: 'AT+CGSN', read: (lines) => ({ value: lines.join(' ') }) },
  {
    label: 'SIM',
    command: 'AT+CPIN?',
    read: (lines) => {
      const state = parseCpin(lines[0] ?? '')
      return { value: state === 'READY' ? 'ready' : state === 'SIM PIN' ? 'asks for its PIN (set the pin setting)' : state, ok: state === 'READY' || state === 'SIM PIN' }
    },
  },
  {
    label: 'Signal quality',
    command: 'AT+CSQ',
    read: (lines) => {
      const { rssi, ber, dbm } = parseCsq(lines[0] ?? '')
      if (dbm === undefined) return { value: `unknown (${rssi},${ber}): no signal, or not registered yet`, ok: false }
      const words = rssi < 10 ? 'weak' : rssi < 15 ? 'fair' : rssi < 20 ? 'good' : 'excellent'
      return { value: `${rssi}/31, ${dbm} dBm (${words})`, ok: rssi >= 10 }
    },
  },
  {
    label: 'Registration',
    command: 'AT+CREG?',
    read: (lines) => {
      const { stat, text } = parseCreg(lines[0] ?? '')
      return { value: text, ok: stat === 1 || stat === 5 }
    },
  },
  { label: 'Operator', command: 'AT+COPS?', read: (lines) => ({ value: fields(lines[0] ?? '', '+COPS:')[2] || 'none' }) },
  { label: 'SMS centre', command: 'AT+CSCA?', read: (lines) => ({ value: parseCsca(lines[0] ?? '') || 'not set (set the smsc setting)' }) },
  {
    label: 'Storage',
    command: 'AT+CPMS?',
    read: (lines) => {
      const use = parseCpms(lines[0] ?? '')
      const full = use.some((u) => u.total > 0 && u.used >= u.total)
      return { value: use.map((u) => `${u.storage} ${u.used}/${u.total}`).join(', ') + (full ? ' (full: new messages cannot arrive)' : ''), ok: !full }
    },
  },
]

/**
 * Ask the modem at `port` who and how it is; `progress` gets each line as it comes.
 * @example
 * const report = await probeModem('/dev/ttyUSB0', { baudRate: 115200, progress: console.log })
 */
export async function probeModem(
  port: string,
  options: { baudRate?: number; timeoutMs?: number; clock?: Clock; open?: OpenSerial; progress?: (line: ProbeLine) => void } = {},
): Promise<ProbeReport> {
  const open = options.open ?? openSerial
  const link = await open(port, options.baudRate ?? 115200)
  const at = new AtChannel({ write: (d) => link.write(d), clock: options.clock ?? systemClock, timeoutMs: options.timeoutMs ?? 5000 })
  link.onData((chunk) => at.feed(chunk))
  link.onClose((reason) => at.close(reason))
  const report: ProbeReport = { port, answered: false, lines: [] }
  const add = (line: ProbeLine) => {
    report.lines.push(line)
    options.progress?.(line)
  }
  try {
    try {
      await at.command('AT')
    } catch (error) {
      add({ label: 'Modem', value: error instanceof AtTimeoutError ? `no answer to AT on ${port}: check the device and the baud rate (${options.baudRate ?? 115200})` : (error as Error).message, ok: false })
      return report
    }
    report.answered = true
    add({ label: 'Modem', value: `answers on ${port}`, ok: true })
    await at.command('ATE0').catch(() => undefined)
    await at.command('AT+CMEE=1').catch(() => undefined)
    for (const question of QUESTIONS) {
      try {
        const { lines } = await at.command(question.command)
        const { value, ok = true } = question.read(lines)
        add({ label: question.label, value, ok })
      } catch (error) {
        add({ label: question.label, value: error instanceof AtError || error instanceof AtTimeoutError ? error.message : String(error), ok: false })
        if (!(error instanceof AtError)) break
      }
    }
    return report
  } finally {
    at.close('probe done')
    await link.close()
  }
}
