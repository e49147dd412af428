/**
 * The AT command channel of a modem: one command at a time, each with its own timeout,
 * answered by its final result; unsolicited results are handed on as they come, between
 * commands or in the middle of one. The modem's echo of a command (on until `ATE0`) and of a
 * PDU is dropped.
 */
import type { Clock, Timer } from '../../../core/clock.js'
import { AtClosedError, AtError, AtTimeoutError } from './errors.js'
import { AtLineSplitter, announcesPdu, finalResult, isUnsolicited, parseUnsolicited, type AtToken, type Unsolicited } from './parser.js'

export interface AtCommandOptions {
  /** How long to wait for the final result (default: the channel's). */
  timeoutMs?: number
  /** Data to write after the `> ` prompt, ended by Ctrl-Z (the PDU of `AT+CMGS`). */
  data?: string
}

/** The answer of a command that ended in OK: its information lines, echo and final result left out. */
export interface AtResponse {
  command: string
  lines: string[]
}

export interface AtChannelOptions {
  /** Writes to the port. */
  write: (data: string) => void
  clock: Clock
  /** Called with each unsolicited result, in the order they came. */
  onUnsolicited?: (result: Unsolicited) => void
  /** Called with every line, prompt and write, for logs and traces. */
  onTrace?: (direction: 'in' | 'out', text: string) => void
  /** Default timeout of a command. */
  timeoutMs?: number
}

interface Pending {
  command: string
  options: AtCommandOptions
  resolve: (response: AtResponse) => void
  reject: (error: Error) => void
}

interface Running extends Pending {
  lines: string[]
  echoSeen: boolean
  prompted: boolean
  timer: Timer
}

const CTRL_Z = '\x1a'
const ESC = '\x1b'

/**
 * @example
 * const at = new AtChannel({ write: (d) => port.write(d, 'latin1'), clock })
 * port.on('data', (chunk) => at.feed(chunk.toString('latin1')))
 * const { lines } = await at.command('AT+CSQ')   // ['+CSQ: 20,99']
 */
export class AtChannel {
  readonly #options: AtChannelOptions
  readonly #splitter = new AtLineSplitter()
  readonly #queue: Pending[] = []
  #running: Running | undefined
  #announced: string | undefined
  #closed: string | undefined

  constructor(options: AtChannelOptions) {
    this.#options = options
  }

  /** Run a command (without its CR); resolves on OK, rejects with AtError, AtTimeoutError or AtClosedError. */
  command(command: string, options: AtCommandOptions = {}): Promise<AtResponse> {
    return new Promise<AtResponse>((resolve, reject) => {
      if (this.#closed !== undefined) return reject(new AtClosedError(command, this.#closed))
      this.#queue.push({ command, options, resolve, reject })
      if (!this.#running) this.#next()
    })
  }

  /** Commands waiting or running. */
  get busy(): boolean {
    return this.#running !== undefined || this.#queue.length > 0
  }

  /** Bytes from the port, read as Latin-1. */
  feed(chunk: string): void {
    const tokens = this.#splitter.feed(chunk, () => this.#running?.options.data !== undefined && !this.#running.prompted)
    for (const token of tokens) this.#token(token)
  }

  /** The port closed: fail the running and the waiting commands; later ones fail at once. */
  close(reason: string): void {
    this.#closed = reason
    const running = this.#running
    this.#running = undefined
    if (running) {
      running.timer.cancel()
      running.reject(new AtClosedError(running.command, reason))
    }
    for (const pending of this.#queue.splice(0)) pending.reject(new AtClosedError(pending.command, reason))
  }

  #write(data: string): void {
    this.#options.onTrace?.('out', data)
    this.#options.write(data)
  }

  #next(): void {
    const pending = this.#queue.shift()
    if (!pending) return
    const timeoutMs = pending.options.timeoutMs ?? this.#options.timeoutMs ?? 10_000
    const timer = this.#options.clock.setTimeout(() => this.#timeout(running), timeoutMs)
    const running: Running = { ...pending, lines: [], echoSeen: false, prompted: false, timer }
    this.#running = running
    this.#write(`${pending.command}\r`)
  }

  #timeout(running: Running): void {
    if (this.#running !== running) return
    // A prompt left open would swallow the next command: ESC cancels it (TS 27.005 3.5.1).
    if (running.options.data !== undefined) this.#write(ESC)
    this.#finish(running, new AtTimeoutError(running.command, running.options.timeoutMs ?? this.#options.timeoutMs ?? 10_000))
  }

  #finish(running: Running, outcome: AtResponse | Error): void {
    running.timer.cancel()
    this.#running = undefined
    if (outcome instanceof Error) running.reject(outcome)
    else running.resolve(outcome)
    this.#next()
  }

  #token(token: AtToken): void {
    const running = this.#running
    if (token.kind === 'prompt') {
      this.#options.onTrace?.('in', '> ')
      if (running?.options.data !== undefined && !running.prompted) {
        running.prompted = true
        this.#write(running.options.data + CTRL_Z)
      }
      return
    }
    const line = token.text
    this.#options.onTrace?.('in', line)
    if (this.#announced !== undefined) {
      const header = this.#announced
      this.#announced = undefined
      this.#options.onUnsolicited?.(parseUnsolicited(header, line))
      return
    }
    if (running && !running.echoSeen && line.toUpperCase() === running.command.toUpperCase()) {
      running.echoSeen = true
      return
    }
    if (isUnsolicited(line, running?.command)) {
      if (announcesPdu(line)) this.#announced = line
      else this.#options.onUnsolicited?.(parseUnsolicited(line))
      return
    }
    if (!running) {
      // A late answer of a command that timed out, or noise: nobody waits for it.
      this.#options.onUnsolicited?.({ type: 'other', line })
      return
    }
    if (running.prompted && running.options.data !== undefined && line.replaceAll(CTRL_Z, '') === running.options.data) return
    const final = finalResult(line)
    if (!final) {
      running.lines.push(line)
      return
    }
    if (final.ok) this.#finish(running, { command: running.command, lines: running.lines })
    else this.#finish(running, new AtError(running.command, final.result, final.code, final.detail))
  }
}
