import { randomInt } from 'node:crypto'
import { BackendSendError, RapidSMSError } from '../../core/errors.js'
import type { BackendContext } from '../../core/messages/index.js'
import { BackendBase, type BackendConfig } from '../base.js'
import type { ReceivedMessage } from './concat.js'
import { modemOptions, type ModemOptions } from './config.js'
import { Inbox } from './inbox.js'
import type { ModemLink, ModemLinkFactory } from './link.js'
import { migrations } from './migrations/index.js'
import { modemEntities } from './models.js'
import { encodeSubmit, type DecodedStatusReport } from './pdu/index.js'
import { SentParts } from './sent-parts.js'

/**
 * Backend for a GSM modem on a serial port (USB sticks, serial modems), as RapidSMS's
 * pygsm backend was. Receives by new-message indications and by listing the SIM, so messages
 * that came while the host was down are read at start; a message is deleted from the SIM
 * only once it is committed. Long and Unicode messages both ways; with `deliveryReports`,
 * status reports mark transmissions delivered (the DatabaseRouter's `D`) or failed.
 * @example
 * backends: {
 *   modem: { engine: ModemBackend, port: '/dev/ttyUSB0', baudRate: 115200, pin: '1234' },
 * }
 */
export class ModemBackend extends BackendBase {
  static override entities = modemEntities
  static override migrations = migrations
  /** How the backend gets the actor that owns the port: set by `rapidsms/backends/modem`. */
  static link: ModemLinkFactory | undefined

  // `declare`: configure() runs inside BackendBase's constructor, before field initializers.
  declare options: ModemOptions
  declare protected sentParts: SentParts
  declare protected inbox: Inbox
  declare protected concatReference: number
  #link: ModemLink | undefined
  #unsubscribe: (() => void) | undefined

  override configure(config: BackendConfig): void {
    this.options = modemOptions(config)
    this.sentParts = new SentParts(this.router, this.name)
    this.inbox = new Inbox(this.router, this.name)
    this.concatReference = randomInt(256)
  }

  /** The actor that owns the port (once started). */
  get link(): ModemLink | undefined {
    return this.#link
  }

  override async start(): Promise<void> {
    const factory = (this.constructor as typeof ModemBackend).link
    if (!factory) throw new RapidSMSError('ModemBackend has no modem actor: import it from "rapidsms/backends/modem"')
    await this.inbox.prune()
    this.#link = factory({
      ...this.options,
      name: this.name,
      clock: this.router.clock,
      logger: this.logger,
      onMessage: (message) => this.#received(message),
      onStatusReport: (report) => this.#statusReport(report),
    })
    await this.#link.start()
    // The host waits for messages in flight before it stops: none may wait for a modem that is away.
    this.#unsubscribe = this.router.inspector.on('actor.stopping', (event) => event.kind === 'host' && this.#link?.drain())
  }

  override async stop(): Promise<void> {
    this.#unsubscribe?.()
    await this.#link?.stop()
  }

  override async send(id: string, text: string, identities: string[], _context: BackendContext): Promise<void> {
    const link = this.#link
    if (!link) throw new BackendSendError(this.name, 'the modem backend is not started', { retryable: false })
    const failed: { identity: string; reason: string }[] = []
    const records: Promise<void>[] = []
    await Promise.all(
      identities.map(async (identity) => {
        try {
          const parts = encodeSubmit({ to: identity, text, requestStatusReport: this.options.deliveryReports, concatReference: this.#nextReference() })
          await link.send(parts, (part, reference) => records.push(this.sentParts.record({ messageId: id, identity, reference, part, parts: parts.length })))
        } catch (error) {
          failed.push({ identity, reason: (error as Error).message })
        }
      }),
    )
    await Promise.all(records)
    if (failed.length) {
      throw new BackendSendError(this.name, failed.map((f) => `${f.identity}: ${f.reason}`).join('; '), { retryable: false, failedIdentities: failed.map((f) => f.identity) })
    }
  }

  #nextReference(): number {
    this.concatReference = (this.concatReference + 1) % 256
    return this.concatReference
  }

  async #received(message: ReceivedMessage): Promise<void> {
    if (await this.inbox.committed(message.key)) {
      this.logger.info({ backend: this.name, from: message.from }, 'a message committed before the last stop is still on the SIM: deleting it, not handing it in again')
      return
    }
    await this.inbound.receive(message.from, message.text, {
      timestamp: message.timestamp,
      smsc: message.smsc,
      parts: message.total,
      ...(!message.complete && { incomplete: true }),
    })
    await this.inbox.remember(message.key)
  }

  async #statusReport(report: DecodedStatusReport): Promise<void> {
    if (!this.options.deliveryReports) return
    const update = await this.sentParts.report(report)
    if (update) await this.inbound.reportStatus(update)
  }
}
