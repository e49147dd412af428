/**
 * A scripted GSM modem (the DCE) on one end of a pty, answering as the captured transcripts
 * show the scripted modem answering Kannel, gammu and smstools (recipes/modem-at.md): echo
 * until ATE0, `\r\n<info>\r\n\r\nOK\r\n`, the `\r\n> ` prompt of +CMGS, +CMTI / +CMT as
 * AT+CNMI asks, +CDS status reports for SMS-SUBMITs with TP-SRR, +CMS ERROR codes once
 * AT+CMEE=1, a SIM PIN, SIM storages of a given size.
 *
 * Its SMS-DELIVER PDUs are written here, apart from the codec under test; the SMS-SUBMITs
 * it receives are decoded with the codec (checked against peers' vectors).
 */
import { SerialPort } from 'serialport'
import { decodePdu, type DecodedSubmit } from '../../src/backends/modem/index.js'

const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
const GSM7_EXT: Record<string, number> = { '\f': 0x0a, '^': 0x14, '{': 0x28, '}': 0x29, '\\': 0x2f, '[': 0x3c, '~': 0x3d, ']': 0x3e, '|': 0x40, '€': 0x65 }

function septets(text: string): number[] | undefined {
  const out: number[] = []
  for (const ch of text) {
    const i = GSM7.indexOf(ch)
    if (i >= 0 && ch !== '\x1b') out.push(i)
    else if (ch in GSM7_EXT) out.push(0x1b, GSM7_EXT[ch]!)
    else return undefined
  }
  return out
}

function pack(values: number[], fill: number): number[] {
  let bits = 0n
  let n = BigInt(fill)
  for (const v of values) {
    bits |= BigInt(v & 0x7f) << n
    n += 7n
  }
  const out: number[] = []
  for (let i = 0n; i < n; i += 8n) out.push(Number((bits >> i) & 0xffn))
  return out
}

function semi(digits: string): number[] {
  const d = digits.length % 2 ? digits + 'F' : digits
  const out: number[] = []
  for (let i = 0; i < d.length; i += 2) out.push(parseInt(d[i + 1]! + d[i]!, 16))
  return out
}

function address(number: string): number[] {
  if (/^\+?\d+$/.test(number)) {
    const digits = number.replace('+', '')
    return [digits.length, number.startsWith('+') ? 0x91 : 0x81, ...semi(digits)]
  }
  const packed = pack(septets(number)!, 0)
  return [packed.length * 2, 0xd0, ...packed]
}

function scts(date = new Date()): number[] {
  const two = (n: number) => String(n).padStart(2, '0')
  const d = `${two(date.getUTCFullYear() % 100)}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}00`
  return semi(d)
}

const hex = (bytes: number[]) => Buffer.from(bytes).toString('hex').toUpperCase()

/** An SMS-DELIVER as a network would hand it to the modem: one PDU per part. */
export function deliverPdus(smsc: string, sender: string, text: string, options: { ucs2?: boolean; reference?: number; date?: Date } = {}): { pdu: string; tpduLength: number }[] {
  const gsm = options.ucs2 ? undefined : septets(text)
  const units: number[][] = gsm ? [] : []
  if (gsm) {
    for (const ch of text) units.push(septets(ch)!)
  } else {
    for (const ch of text) units.push([...Buffer.from(ch, 'utf16le').swap16()])
  }
  const total = units.reduce((n, u) => n + u.length, 0)
  const single = gsm ? 160 : 140
  const per = gsm ? 153 : 134
  const bodies: number[][] = [[]]
  if (total <= single) bodies[0] = units.flat()
  else
    for (const u of units) {
      if (bodies.at(-1)!.length + u.length > per) bodies.push([])
      bodies.at(-1)!.push(...u)
    }
  const sca = semi(smsc.replace('+', ''))
  const head = [sca.length + 1, 0x91, ...sca]
  return bodies.map((body, i) => {
    const udh = bodies.length > 1 ? [5, 0, 3, (options.reference ?? 0x42) & 0xff, bodies.length, i + 1] : []
    const fo = 0x04 | (udh.length ? 0x40 : 0)
    let ud: number[]
    let udl: number
    if (gsm) {
      const hs = Math.ceil((udh.length * 8) / 7)
      ud = [...udh, ...pack(body, hs * 7 - udh.length * 8)]
      udl = hs + body.length
    } else {
      ud = [...udh, ...body]
      udl = ud.length
    }
    const tpdu = [fo, ...address(sender), 0x00, gsm ? 0x00 : 0x08, ...scts(options.date), udl, ...ud]
    return { pdu: hex([...head, ...tpdu]), tpduLength: tpdu.length }
  })
}

/** An SMS-STATUS-REPORT for a message reference. */
export function statusReportPdu(smsc: string, reference: number, recipient: string, status = 0): { pdu: string; tpduLength: number } {
  const sca = semi(smsc.replace('+', ''))
  const tpdu = [0x06, reference & 0xff, ...address(recipient), ...scts(), ...scts(), status]
  return { pdu: hex([sca.length + 1, 0x91, ...sca, ...tpdu]), tpduLength: tpdu.length }
}

interface Stored {
  stat: number
  pdu: string
  length: number
}

/** An SMS-SUBMIT the simulator received, with the TP-MR it answered. */
export interface ReceivedSubmit extends DecodedSubmit {
  mr: number
  tpduLength: number
  pdu: string
  at: number
}

export interface SimulatorOptions {
  smsc?: string
  /** The SIM asks for this PIN until it is given (`+CPIN: SIM PIN`). */
  pin?: string
  /** Slots of each storage (SM, ME). */
  capacity?: number
  /** How long the "network" takes to accept a +CMGS (real ms). */
  cmgsDelayMs?: number
  /** When a status report follows an SMS-SUBMIT with TP-SRR (real ms). */
  statusReportDelayMs?: number
  /** Log every byte both ways (for debugging a test). */
  trace?: boolean
}

/**
 * @example
 * const sim = await ModemSimulator.open(pty.dce, { pin: '1234' })
 * sim.receive('+254700000001', 'hello')   // stored on the SIM and announced with +CMTI
 */
export class ModemSimulator {
  readonly options: Required<Omit<SimulatorOptions, 'pin'>> & { pin?: string }
  /** Every command line the DTE sent, in order. */
  readonly commands: string[] = []
  /** Every SMS-SUBMIT accepted. */
  readonly sent: ReceivedSubmit[] = []
  readonly storages: Record<'SM' | 'ME', Map<number, Stored>> = { SM: new Map(), ME: new Map() }
  /** AT+CPMS memories: read/delete, write, receive. */
  mem: ['SM' | 'ME', 'SM' | 'ME', 'SM' | 'ME'] = ['SM', 'SM', 'SM']
  echo = true
  cmgf = 0
  cmee = 0
  cnmi = [0, 0, 0, 0, 0]
  pinOk: boolean
  /** Answer the next +CMGS with these +CMS ERROR codes, one per attempt. */
  cmgsErrors: number[] = []
  /** Do not answer AT+CMGD while set (a host killed while deleting). */
  holdDeletes = false
  /** Messages the "network" could not store yet (storage full); delivered once there is room. */
  readonly waiting: string[][] = []
  #port: SerialPort | undefined
  #buffer = ''
  #prompt: number | undefined
  #mr = 0
  #busy: Promise<void> = Promise.resolve()
  #listeners = new Set<() => void>()

  private constructor(options: SimulatorOptions) {
    this.options = { smsc: '+15550000000', capacity: 30, cmgsDelayMs: 0, statusReportDelayMs: 50, trace: false, ...options }
    this.pinOk = !options.pin
  }

  static async open(path: string, options: SimulatorOptions = {}): Promise<ModemSimulator> {
    const sim = new ModemSimulator(options)
    await sim.attach(path)
    return sim
  }

  /** Open (again) the DCE end of the pty: after a replug, with the SIM's contents kept. */
  async attach(path: string): Promise<void> {
    await this.close()
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false, lock: false })
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())))
    port.on('data', (chunk: Buffer) => this.#feed(chunk.toString('latin1')))
    port.on('error', () => undefined)
    port.on('close', () => {
      if (this.#port === port) this.#port = undefined
    })
    this.#port = port
    this.#buffer = ''
    this.#prompt = undefined
    // A modem that lost power starts again with its defaults (and a SIM that asks for its PIN).
    this.echo = true
    this.cmee = 0
    this.cmgf = 0
    this.cnmi = [0, 0, 0, 0, 0]
    this.mem = ['SM', 'SM', 'SM']
    this.pinOk = !this.options.pin
  }

  /** Is the DCE end open (false once the pty went away)? */
  get attached(): boolean {
    return this.#port?.isOpen === true
  }

  async close(): Promise<void> {
    const port = this.#port
    this.#port = undefined
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()))
  }

  /** Resolves once `predicate` holds (checked after every command and write). */
  until(predicate: () => boolean, timeoutMs = 10_000, what = 'the simulator'): Promise<void> {
    if (predicate()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (this.#listeners.delete(check), reject(new Error(`timed out waiting for ${what}; commands: ${this.commands.slice(-15).join(' | ')}`))), timeoutMs)
      const check = () => {
        if (!predicate()) return
        clearTimeout(timer)
        this.#listeners.delete(check)
        resolve()
      }
      this.#listeners.add(check)
    })
  }

  /** Store a message on the SIM before the DTE starts (messages received while the host was down). */
  preload(sender: string, text: string, options: { ucs2?: boolean; storage?: 'SM' | 'ME' } = {}): number[] {
    return deliverPdus(this.options.smsc, sender, text, options).map(({ pdu, tpduLength }) => this.#store(options.storage ?? 'SM', { stat: 0, pdu, length: tpduLength })!)
  }

  /** A message arrives from the network, in parts in the given order; announced as AT+CNMI says. */
  receive(sender: string, text: string, options: { ucs2?: boolean; reference?: number; order?: number[] } = {}): void {
    const parts = deliverPdus(this.options.smsc, sender, text, options)
    const order = options.order ?? parts.map((_, i) => i)
    for (const i of order) this.receivePdu(parts[i]!.pdu, parts[i]!.tpduLength)
  }

  /** One PDU arrives from the network. */
  receivePdu(pdu: string, length: number): void {
    const storage = this.mem[2]
    const [, mt] = this.cnmi
    if (mt === 2 || mt === 3) {
      this.#write(`\r\n+CMT: ,${length}\r\n${pdu}\r\n`)
      return
    }
    const index = this.#store(storage, { stat: 0, pdu, length })
    if (index === undefined) {
      this.waiting.push([pdu, String(length)])
      return
    }
    if (mt === 1) this.#write(`\r\n+CMTI: "${storage}",${index}\r\n`)
  }

  /** Used slots of a storage. */
  count(storage: 'SM' | 'ME' = 'SM'): number {
    return this.storages[storage].size
  }

  #store(storage: 'SM' | 'ME', message: Stored): number | undefined {
    const slots = this.storages[storage]
    for (let index = 1; index <= this.options.capacity; index++) {
      if (!slots.has(index)) {
        slots.set(index, message)
        return index
      }
    }
    return undefined
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener()
  }

  #write(data: string): void {
    if (this.options.trace) process.stderr.write(`DCE> ${JSON.stringify(data)}\n`)
    this.#port?.write(Buffer.from(data, 'latin1'))
    this.#notify()
  }

  #final(info: string[] = [], result = 'OK'): void {
    this.#write((info.length ? `\r\n${info.join('\r\n')}\r\n` : '') + `\r\n${result}\r\n`)
  }

  #error(cms?: number, cme?: number): void {
    if (this.cmee && cms !== undefined) return this.#final([], `+CMS ERROR: ${cms}`)
    if (this.cmee && cme !== undefined) return this.#final([], `+CME ERROR: ${cme}`)
    this.#final([], 'ERROR')
  }

  #feed(data: string): void {
    if (this.options.trace) process.stderr.write(`DTE> ${JSON.stringify(data)}\n`)
    this.#buffer += data
    for (;;) {
      if (this.#prompt !== undefined) {
        const end = this.#buffer.search(/[\x1a\x1b]/)
        if (end < 0) return
        const body = this.#buffer.slice(0, end)
        const commit = this.#buffer[end] === '\x1a'
        this.#buffer = this.#buffer.slice(end + 1)
        if (this.echo) this.#write(body + (commit ? '\x1a' : '\x1b'))
        const length = this.#prompt
        this.#prompt = undefined
        this.#serial(() => (commit ? this.#submit(body.trim(), length) : this.#final()))
        continue
      }
      const end = this.#buffer.indexOf('\r')
      if (end < 0) return
      const line = this.#buffer.slice(0, end).replace(/[\n\x1a\x1b]/g, '').trim()
      this.#buffer = this.#buffer.slice(end + 1)
      if (!line) continue
      if (this.echo) this.#write(`${line}\r`)
      this.commands.push(line)
      this.#serial(() => this.#command(line))
    }
  }

  /** Commands are answered one after another, as a modem does. */
  #serial(work: () => void | Promise<void>): void {
    this.#busy = this.#busy.then(work).then(
      () => this.#notify(),
      () => this.#notify(),
    )
  }

  async #command(line: string): Promise<void> {
    const up = line.toUpperCase()
    if (!up.startsWith('AT')) return
    if (up === 'AT' || up === 'ATZ' || up === 'AT&F') {
      if (up !== 'AT') this.echo = true
      return this.#final()
    }
    const e = /^ATE([01]?)$/.exec(up)
    if (e) {
      this.echo = e[1] === '1'
      return this.#final()
    }
    const info: string[] = []
    for (const part of line.slice(2).split(';').filter(Boolean)) {
      const answer = await this.#one(part.trim())
      if (answer === undefined) return
      if (answer !== true) return answer()
      info.push(...this.#info.splice(0))
    }
    this.#final(info)
  }

  #info: string[] = []

  /** true: OK so far (info in #info); a function: the error answer; undefined: answered already. */
  async #one(cmd: string): Promise<true | (() => void) | undefined> {
    const up = cmd.toUpperCase()
    const arg = cmd.slice(cmd.indexOf('=') + 1)
    const info = (...lines: string[]) => (this.#info.push(...lines), true as const)
    const needsSim = /^\+(CMG[FSLRD]|CPMS|CNMI|CSCA)/.test(up)
    if (needsSim && !this.pinOk) return () => this.#error(311, 11)
    switch (true) {
      case up === '+CGMI':
        return info('SIMULATOR')
      case up === '+CGMM':
        return info('SIM900-like')
      case up === '+CGMR':
        return info('Revision 1.0')
      case up === '+CGSN':
        return info('490154203237518')
      case up === '+CIMI':
        return info('310150123456789')
      case up === '+CSQ':
        return info('+CSQ: 20,99')
      case up === '+CREG?':
        return info('+CREG: 0,1')
      case up === '+COPS?':
        return info('+COPS: 0,0,"SIM OPERATOR"')
      case up === '+CSCS=?':
        return info('+CSCS: ("GSM","IRA","UCS2","8859-1")')
      case up === '+CSCS?':
        return info('+CSCS: "GSM"')
      case up === '+CSMS=?':
        return info('+CSMS: (0,1)')
      case up === '+CFUN?':
        return info('+CFUN: 1')
      case up.startsWith('+CFUN=') || up.startsWith('+IFC=') || up.startsWith('+CSCS=') || up.startsWith('+CREG='):
        return true
      case up === '+CPIN?':
        return info(this.pinOk ? '+CPIN: READY' : '+CPIN: SIM PIN')
      case up.startsWith('+CPIN='): {
        if (arg.replace(/"/g, '') !== this.options.pin) return () => this.#error(undefined, 16)
        this.pinOk = true
        return true
      }
      case up.startsWith('+CMEE='):
        this.cmee = Number(arg) || 0
        return true
      case up === '+CMGF?':
        return info(`+CMGF: ${this.cmgf}`)
      case up.startsWith('+CMGF='):
        this.cmgf = Number(arg) || 0
        return true
      case up === '+CSCA?':
        return info(`+CSCA: "${this.options.smsc}",145`)
      case up.startsWith('+CSCA='):
        return true
      case up.startsWith('+CNMI='): {
        const values = arg.split(',').map((v) => Number(v) || 0)
        this.cnmi = [...values, 0, 0, 0, 0, 0].slice(0, 5)
        // Messages the network held while the storage was full, or before indications were on.
        return true
      }
      case up === '+CPMS=?':
        return info('+CPMS: ("SM","ME"),("SM","ME"),("SM","ME")')
      case up === '+CPMS?':
        return info('+CPMS: ' + this.mem.map((m) => `"${m}",${this.storages[m].size},${this.options.capacity}`).join(','))
      case up.startsWith('+CPMS='): {
        const want = arg.split(',').map((v) => v.replace(/"/g, '').trim().toUpperCase())
        if (want.some((w) => w !== 'SM' && w !== 'ME')) return () => this.#error(302)
        want.slice(0, 3).forEach((w, i) => (this.mem[i] = w as 'SM' | 'ME'))
        return info('+CPMS: ' + this.mem.map((m) => `${this.storages[m].size},${this.options.capacity}`).join(','))
      }
      case up.startsWith('+CMGL'): {
        const want = up.includes('=') ? Number(arg) : 0
        const out: string[] = []
        for (const [index, m] of [...this.storages[this.mem[0]]].sort((a, b) => a[0] - b[0])) {
          if (want !== 4 && m.stat !== want) continue
          out.push(`+CMGL: ${index},${m.stat},,${m.length}`, m.pdu)
          if (m.stat === 0) m.stat = 1
        }
        return info(...out)
      }
      case up.startsWith('+CMGR='): {
        const m = this.storages[this.mem[0]].get(Number(arg))
        if (!m) return () => this.#error(321)
        const stat = m.stat
        if (m.stat === 0) m.stat = 1
        return info(`+CMGR: ${stat},,${m.length}`, m.pdu)
      }
      case up.startsWith('+CMGD='): {
        if (this.holdDeletes) return undefined
        const [index, flag] = arg.split(',').map(Number)
        if (flag) {
          for (const [i, m] of this.storages[this.mem[0]]) if (flag === 4 || m.stat === 1) this.storages[this.mem[0]].delete(i)
        } else this.storages[this.mem[0]].delete(index!)
        this.#release()
        return true
      }
      case up.startsWith('+CMGS='):
        this.#prompt = Number(arg)
        this.#write('\r\n> ')
        return undefined
      default:
        return () => this.#error(undefined, 4)
    }
  }

  /** Room again on the SIM: the network delivers what it held. */
  #release(): void {
    while (this.waiting.length) {
      const storage = this.mem[2]
      if (this.storages[storage].size >= this.options.capacity) return
      const [pdu, length] = this.waiting.shift()!
      setImmediate(() => this.receivePdu(pdu!, Number(length)))
    }
  }

  async #submit(pdu: string, length: number): Promise<void> {
    if (this.options.cmgsDelayMs) await new Promise((r) => setTimeout(r, this.options.cmgsDelayMs))
    const code = this.cmgsErrors.shift()
    if (code !== undefined) return this.#error(code)
    let decoded: DecodedSubmit
    try {
      decoded = decodePdu(pdu) as DecodedSubmit
    } catch {
      return this.#error(304)
    }
    if (decoded.type !== 'submit' || pdu.length / 2 - (parseInt(pdu.slice(0, 2), 16) + 1) !== length) return this.#error(304)
    this.#mr = (this.#mr + 1) % 256
    const mr = this.#mr
    this.sent.push({ ...decoded, mr, tpduLength: length, pdu, at: Date.now() })
    this.#final([`+CMGS: ${mr}`])
    if (decoded.requestStatusReport && this.cnmi[3] === 1) {
      setTimeout(() => {
        const report = statusReportPdu(this.options.smsc, mr, decoded.to)
        this.#write(`\r\n+CDS: ${report.tpduLength}\r\n${report.pdu}\r\n`)
      }, this.options.statusReportDelayMs)
    }
  }
}
