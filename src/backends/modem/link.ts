/**
 * What the modem backend needs of the actor that owns the serial port (actors/modem.actor.ts):
 * the backend keeps the records, the actor talks to the modem.
 */
import type { Clock } from '../../core/clock.js'
import type { Logger } from '../../core/logger.js'
import type { ReceivedMessage } from './concat.js'
import type { ModemOptions } from './config.js'
import type { DecodedStatusReport, SubmitPdu } from './pdu/index.js'

export interface ModemLink {
  start(): Promise<void>
  stop(): Promise<void>
  /** Resolves with each part's TP-MR once the modem accepted them all. */
  send(parts: SubmitPdu[], onPart?: (sequence: number, reference: number) => void): Promise<number[]>
  whenReady(): Promise<void>
  /** The host is stopping: what cannot be sent now (the modem away, a part waiting to retry) fails at once. */
  drain(): void
  readonly state: string
}

export interface ModemLinkOptions extends ModemOptions {
  name: string
  clock: Clock
  logger: Logger
  onMessage: (message: ReceivedMessage) => Promise<void>
  onStatusReport: (report: DecodedStatusReport) => Promise<void>
}

export type ModemLinkFactory = (options: ModemLinkOptions) => ModemLink
