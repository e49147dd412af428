import { stat } from 'node:fs/promises'
import { createActor, fromPromise, type Actor } from 'xstate'
import { modemMachine, type ModemWork } from '../machines/modem.machine.js'
import { AtChannel } from '../src/backends/modem/at/channel.js'
import { AtClosedError, AtError, AtTimeoutError, describeResult, isTemporaryCmsError } from '../src/backends/modem/at/errors.js'
import type { Unsolicited } from '../src/backends/modem/at/parser.js'
import { parseCmgl, parseCmgr, type StoredPdu } from '../src/backends/modem/at/responses.js'
import { setUpModem } from '../src/backends/modem/at/setup.js'
import { ConcatBuffer, type ReceivedMessage, type ReceivedPart } from '../src/backends/modem/concat.js'
import type { ModemOptions } from '../src/backends/modem/config.js'
import { decodePdu, type DecodedPdu, type DecodedStatusReport, type SubmitPdu } from '../src/backends/modem/pdu/index.js'
import { ModemSendError, SendQueue, type QueuedPart } from '../src/backends/modem/send-queue.js'
import { openSerial, type OpenSerial, type SerialLink } from '../src/backends/modem/serial.js'
import type { Clock, Timer } from '../src/core/clock.js'
import { ConfigError } from '../src/core/errors.js'
import type { Logger } from '../src/core/logger.js'

export interface ModemActorOptions extends ModemOptions {
  /** The backend's name (logs, errors naming `backends.<name>.port`). */
  name: string
  clock: Clock
  logger: Logger
  /** Hand a received message in; resolves once it is committed. Its slots are deleted only then. */
  onMessage: (message: ReceivedMessage) => Promise<void>
  /** A status report came. */
  onStatusReport: (report: DecodedStatusReport) => Promise<void>
  /** How to open the port (tests may pass another). */
  open?: OpenSerial
}

/** Failures of the modem itself (as opposed to one command's error answer). */
const isLinkFailure = (error: unknown) => error instanceof AtTimeoutError || error instanceof AtClosedError

/**
 * Owns a modem's serial port and runs its machine (machines/modem.machine.ts): opens and
 * initialises the modem, reads received messages (by +CMTI indication, and by listing the
 * storage at start and every `pollMs`), reassembles long ones, hands them in and deletes
 * them from the storage only once they are committed; sends queued parts one at a time with
 * AT+CMGS, retrying temporary +CMS ERRORs with backoff; reconnects when the modem goes away.
 */
export class ModemActor {
  readonly options: ModemActorOptions
  readonly #log: Logger
  readonly #open: OpenSerial
  readonly #machine: Actor<typeof modemMachine>
  readonly #concat: ConcatBuffer
  #link: SerialLink | undefined
  #channel: AtChannel | undefined
  readonly #queue: SendQueue
  /** Slots announced by +CMTI, not read yet. */
  readonly #indicated = new Set<number>()
  /** Status reports stored (+CDSI), not read yet. */
  readonly #reports = new Set<number>()
  /** Slots read and not deleted yet: waiting for their other parts, or for their commit. */
  readonly #claimed = new Set<number>()
  /** Slots whose messages are committed: delete them. */
  readonly #deletable = new Set<number>()
  /** Slots that hold what cannot be decoded: left alone (logged once). */
  readonly #skipped = new Set<number>()
  #listWanted = true
  #poll: Timer | undefined
  #ready: { promise: Promise<void>; resolve: () => void }
  /** Slots whose messages are being handed in (not committed yet). */
  readonly #handingIn = new Set<number>()
  #stopping = false
  #draining = false

  constructor(options: ModemActorOptions) {
    this.options = options
    this.#log = options.logger
    this.#open = options.open ?? openSerial
    this.#concat = new ConcatBuffer(options.clock, options.concatTimeoutMs, (message) => this.#handIn(message))
    this.#ready = this.#newReady()
    this.#queue = new SendQueue({
      clock: options.clock,
      sendTimeoutMs: options.sendTimeoutMs,
      retryDelayMs: options.retryDelayMs,
      maxRetryDelayMs: options.maxReconnectDelayMs,
      changed: () => this.#notify(),
      why: () => `${this.state}${this.error ? `: ${this.error}` : ''}`,
    })
    const machine = modemMachine.provide({
      actors: {
        openPort: fromPromise(() => this.#openPort()),
        initialise: fromPromise(() => this.#initialise()),
        readStorage: fromPromise(() => this.#readStorage()),
        sendPart: fromPromise(() => this.#sendPart()),
        keepalive: fromPromise(() => this.#command('AT').then(() => undefined)),
        closePort: fromPromise(() => this.#closePort()),
      },
    })
    const { clock } = options
    this.#machine = createActor(machine, {
      input: { keepaliveMs: options.keepaliveMs, backoffMs: options.reconnectDelayMs, maxBackoffMs: options.maxReconnectDelayMs },
      clock: { setTimeout: (fn, ms) => clock.setTimeout(fn, ms), clearTimeout: (timer) => (timer as Timer).cancel() },
    })
    let last = ''
    this.#machine.subscribe((snapshot) => {
      const state = this.state
      // A job's output is the work it saw when it ended; a send queued meanwhile may be newer.
      if (state === 'online.ready') {
        const work = this.#work()
        if (work.read !== snapshot.context.work.read || work.send !== snapshot.context.work.send) this.#machine.send({ type: 'WORK', work })
      }
      if (state === last) return
      last = state
      this.#log.debug({ backend: options.name, state, error: snapshot.context.error }, `modem ${state}`)
      if (state === 'online.ready') this.#ready.resolve()
      if (!state.startsWith('online.')) this.#abandon()
      if (state === 'failed') this.#log.warn({ backend: options.name, port: options.port, error: snapshot.context.error }, `modem failed: ${snapshot.context.error}; reconnecting`)
      if (state === 'halted') this.#log.error({ backend: options.name, port: options.port, error: snapshot.context.error }, `modem stopped: ${snapshot.context.error}`)
    })
  }

  /** The machine's state, e.g. `online.ready`, `reconnecting`. */
  get state(): string {
    const value = this.#machine.getSnapshot().value
    return typeof value === 'string' ? value : Object.entries(value).map(([k, v]) => `${k}.${v as string}`)[0]!
  }

  /** Why the modem last failed or halted. */
  get error(): string | undefined {
    return this.#machine.getSnapshot().context.error
  }

  /** Parts waiting to be sent. */
  get queued(): number {
    return this.#queue.size
  }

  /** Parts the modem refused for now, waiting for the time of their next attempt. */
  get retrying(): number {
    return this.#queue.retrying
  }

  /**
   * The host is stopping and waits for the messages in flight: those that cannot be sent now
   * (the modem away or halted, a part waiting to try again) fail at once; the modem goes on
   * with the others while it is online.
   */
  drain(): void {
    this.#draining = true
    this.#abandon()
  }

  #abandon(): void {
    if (!this.#draining) return
    const online = this.state.startsWith('online.') && this.state !== 'online.initialising'
    const now = this.options.clock.now()
    this.#queue.failWhere(new ModemSendError(`the host is stopping and the modem cannot send now (${this.state}${this.error ? `: ${this.error}` : ''})`), (part) => !online || part.notBefore > now)
  }

  /** Resolves the next time the modem is ready (at once if it is). */
  whenReady(): Promise<void> {
    return this.state === 'online.ready' ? Promise.resolve() : this.#ready.promise
  }

  /**
   * Open the port and start the machine. A port that does not exist or cannot be opened is a
   * ConfigError naming `backends.<name>.port`; a modem that opens but does not answer is
   * retried with backoff.
   */
  async start(): Promise<void> {
    const key = `backends.${this.options.name}.port`
    try {
      await stat(this.options.port)
    } catch (error) {
      throw new ConfigError(key, `there is no serial device at ${this.options.port} (${(error as NodeJS.ErrnoException).code}); is the modem plugged in? "rapidsms modem probe --port <device>" checks one`)
    }
    try {
      this.#link = await this.#open(this.options.port, this.options.baudRate)
    } catch (error) {
      throw new ConfigError(key, `cannot open ${this.options.port}: ${(error as Error).message}`)
    }
    this.#machine.start()
    this.#machine.send({ type: 'START' })
    this.#poll = this.options.clock.setInterval(() => {
      this.#listWanted = true
      this.#notify()
    }, this.options.pollMs)
  }

  /** Close the port; messages waiting to be sent fail, received ones not committed stay on the SIM. */
  async stop(): Promise<void> {
    if (this.#stopping) return
    this.#stopping = true
    this.#poll?.cancel()
    this.#queue.close()
    this.#concat.clear()
    this.#queue.failWhere(new ModemSendError('the modem backend is stopping'))
    if (this.#machine.getSnapshot().status === 'active' && this.state !== 'closed') {
      const stopped = new Promise<void>((resolve) => this.#machine.subscribe({ complete: resolve }))
      this.#machine.send({ type: 'STOP' })
      await stopped
    } else {
      await this.#closePort()
    }
    this.#machine.stop()
  }

  /**
   * Queue the parts of one message; resolves with each part's TP-MR once the modem accepted
   * them all (`onPart` is told each as it comes), rejects with a ModemSendError naming the
   * +CMS ERROR of a part that failed for good, or when the message waited `sendTimeoutMs`.
   */
  send(parts: SubmitPdu[], onPart?: (sequence: number, reference: number) => void): Promise<number[]> {
    if (this.#stopping) return Promise.reject(new ModemSendError('the modem backend is stopping'))
    return this.#queue.add(parts, onPart)
  }

  #newReady(): { promise: Promise<void>; resolve: () => void } {
    let resolve!: () => void
    const promise = new Promise<void>((r) => (resolve = r))
    return { promise, resolve }
  }

  #work(): ModemWork {
    const now = this.options.clock.now()
    let read = this.#listWanted || this.#deletable.size > 0 || this.#reports.size > 0
    if (!read) for (const index of this.#indicated) if (!this.#claimed.has(index)) read = true
    return { read, send: this.#queue.due }
  }

  #notify(): void {
    if (this.#machine.getSnapshot().status === 'active') this.#machine.send({ type: 'WORK', work: this.#work() })
  }

  #command(command: string, options: { timeoutMs?: number; data?: string } = {}) {
    if (!this.#channel) return Promise.reject(new AtClosedError(command, 'the port is not open'))
    return this.#channel.command(command, { ...options, timeoutMs: options.timeoutMs ?? this.options.commandTimeoutMs })
  }

  // ---- effects of the machine ----------------------------------------------------------

  async #openPort(): Promise<void> {
    const link = this.#link ?? (await this.#open(this.options.port, this.options.baudRate))
    this.#link = link
    const channel = new AtChannel({
      write: (data) => link.write(data),
      clock: this.options.clock,
      timeoutMs: this.options.commandTimeoutMs,
      onUnsolicited: (result) => this.#unsolicited(result),
      onTrace: this.#log.isLevelEnabled('trace') ? (direction, text) => this.#log.trace({ backend: this.options.name, direction, text }, 'at') : undefined,
    })
    this.#channel = channel
    link.onData((chunk) => channel.feed(chunk))
    link.onClose((reason) => {
      channel.close(reason)
      if (this.#link === link) this.#link = undefined
      if (this.#machine.getSnapshot().status === 'active') this.#machine.send({ type: 'PORT_CLOSED', reason: `the port closed (${reason})` })
    })
  }

  async #closePort(): Promise<void> {
    this.#channel?.close('the port was closed')
    this.#channel = undefined
    const link = this.#link
    this.#link = undefined
    // What was read but not handed in is still on the SIM: read it again once back.
    this.#concat.clear()
    for (const index of [...this.#claimed]) if (!this.#deletable.has(index) && !this.#handingIn.has(index)) this.#claimed.delete(index)
    this.#listWanted = true
    this.#ready = this.#newReady()
    await link?.close()
  }

  async #initialise(): Promise<ModemWork> {
    const { name, pin, smsc, storage, deliveryReports, pollMs, clock } = this.options
    await setUpModem((command, options) => this.#command(command, options), { name, pin, smsc, storage, deliveryReports, pollMs, clock, log: this.#log })
    this.#listWanted = true
    this.#log.info({ backend: name, port: this.options.port, storage }, 'modem ready')
    return this.#work()
  }

  async #readStorage(): Promise<ModemWork> {
    for (const index of [...this.#deletable]) {
      try {
        await this.#command(`AT+CMGD=${index}`)
      } catch (error) {
        if (isLinkFailure(error)) throw error
        this.#log.warn({ backend: this.options.name, index, err: error }, 'could not delete a message from the storage')
      }
      this.#deletable.delete(index)
      this.#claimed.delete(index)
    }
    for (const index of [...this.#reports]) {
      this.#reports.delete(index)
      const stored = await this.#readSlot(index)
      if (stored) await this.#stored(stored)
      await this.#command(`AT+CMGD=${index}`).catch((error) => {
        if (isLinkFailure(error)) throw error
      })
    }
    if (this.#listWanted) {
      this.#listWanted = false
      const { lines } = await this.#command('AT+CMGL=4')
      for (const stored of parseCmgl(lines)) {
        this.#indicated.delete(stored.index)
        await this.#stored(stored)
      }
    }
    for (const index of [...this.#indicated]) {
      this.#indicated.delete(index)
      if (this.#claimed.has(index)) continue
      const stored = await this.#readSlot(index)
      if (stored) await this.#stored(stored)
    }
    return this.#work()
  }

  async #readSlot(index: number): Promise<StoredPdu | undefined> {
    try {
      return parseCmgr(index, (await this.#command(`AT+CMGR=${index}`)).lines)
    } catch (error) {
      if (isLinkFailure(error)) throw error
      // 321 invalid index: already deleted, or never there.
      return undefined
    }
  }

  /** A message read from a slot (stat 0/1 received; 2/3 stored submits are left alone). */
  async #stored(stored: StoredPdu): Promise<void> {
    if (this.#claimed.has(stored.index) || this.#skipped.has(stored.index)) return
    let sms: DecodedPdu
    try {
      sms = decodePdu(stored.pdu)
    } catch (error) {
      this.#skipped.add(stored.index)
      this.#log.error({ backend: this.options.name, index: stored.index, pdu: stored.pdu, err: error }, `a message in the storage cannot be decoded (${(error as Error).message}); it is left there`)
      return
    }
    if (sms.type === 'status-report') {
      await this.#report(sms)
      this.#claimed.add(stored.index)
      this.#deletable.add(stored.index)
      return
    }
    if (sms.type !== 'deliver') return
    this.#claimed.add(stored.index)
    this.#concat.add({ index: stored.index, pdu: stored.pdu, sms })
  }

  #handIn(message: ReceivedMessage): void {
    if (!message.complete) {
      this.#log.warn({ backend: this.options.name, from: message.from, parts: message.parts.length, total: message.total }, `a long message came with ${message.parts.length} of its ${message.total} parts within ${this.options.concatTimeoutMs} ms; delivering what came`)
    }
    const indexes = message.parts.map((p) => p.index).filter((i): i is number => i !== undefined)
    for (const index of indexes) this.#handingIn.add(index)
    this.options.onMessage(message).then(
      () => {
        for (const index of indexes) {
          this.#handingIn.delete(index)
          this.#deletable.add(index)
        }
        this.#notify()
      },
      (error: unknown) => {
        // Still on the SIM: the next listing hands it in again.
        for (const index of indexes) {
          this.#handingIn.delete(index)
          this.#claimed.delete(index)
        }
        this.#log.error({ backend: this.options.name, from: message.from, err: error }, 'a received message could not be handed in; it stays in the storage and is tried again')
      },
    )
  }

  async #report(report: DecodedStatusReport): Promise<void> {
    try {
      await this.options.onStatusReport(report)
    } catch (error) {
      this.#log.error({ backend: this.options.name, reference: report.reference, err: error }, 'a status report could not be recorded')
    }
  }

  #unsolicited(result: Unsolicited): void {
    switch (result.type) {
      case 'CMTI':
        this.#indicated.add(result.index)
        break
      case 'CDSI':
        this.#reports.add(result.index)
        break
      case 'CMT':
      case 'CDS': {
        let sms: DecodedPdu
        try {
          sms = decodePdu(result.pdu)
        } catch (error) {
          this.#log.error({ backend: this.options.name, pdu: result.pdu, err: error }, `+${result.type} with a PDU that cannot be decoded: ${(error as Error).message}`)
          return
        }
        if (sms.type === 'status-report') void this.#report(sms)
        // Delivered straight, not stored: nothing to delete afterwards.
        else if (sms.type === 'deliver') this.#concat.add({ pdu: result.pdu, sms } satisfies ReceivedPart)
        return
      }
      default:
        this.#log.debug({ backend: this.options.name, result }, 'unsolicited result')
        return
    }
    this.#notify()
  }

  async #sendPart(): Promise<ModemWork> {
    const part = this.#queue.next()
    if (!part) return this.#work()
    const { pdu, tpduLength } = part.pdu
    try {
      const { lines } = await this.#command(`AT+CMGS=${tpduLength}`, { data: pdu, timeoutMs: this.options.sendCommandTimeoutMs })
      const reference = Number(/^\+CMGS:\s*(\d+)/.exec(lines.find((l) => l.startsWith('+CMGS:')) ?? '')?.[1] ?? -1)
      this.#queue.accepted(part, reference)
    } catch (error) {
      if (isLinkFailure(error)) throw error
      this.#refused(part, error as Error)
    }
    return this.#work()
  }

  /** Temporary +CMS ERRORs (and a bare ERROR) are tried again `sendRetries` times; others fail the message. */
  #refused(part: QueuedPart, error: Error): void {
    const code = error instanceof AtError ? error.code : undefined
    const temporary = error instanceof AtError && (error.result === '+CMS ERROR' ? code === undefined || isTemporaryCmsError(code) : error.result === 'ERROR')
    const what = error instanceof AtError ? describeResult(error.result, error.code, error.detail) : error.message
    if (temporary && part.attempt < this.options.sendRetries) {
      const delay = this.#queue.postpone(part)
      this.#log.warn({ backend: this.options.name, attempt: part.attempt, retryInMs: delay, error: what }, `the modem refused a part (${what}); trying again`)
      this.#abandon()
      return
    }
    this.#queue.fail(part.message, new ModemSendError(`the modem refused the message: ${what}${temporary ? ` after ${part.attempt + 1} attempts` : ''}`, code))
  }
}
