import { hash } from 'node:crypto'
import type { RouterServices } from '../../apps/router.js'
import { getLogger } from '../../core/logger.js'
import type { ConnectionLike, IncomingMessage } from '../../core/messages/index.js'
import { Connection } from '../../models/index.js'
import type { SessionStore } from './store.js'

const log = getLogger('rapidsms.contrib.dialogues')

/** A step's texts, as stored in its row. */
export interface StepTexts {
  sessionId: string
  seq: number
  sends: string[]
}

/** The id of a step's `index`th text: the same whenever it is sent (32 hex, like every message id). */
export function sendId(sessionId: string, seq: number, index: number): string {
  return hash('sha256', `${sessionId}:${seq}:${index}`).slice(0, 32)
}

/**
 * How the texts of dialogue steps reach their connections: each step's texts in order, under
 * ids of their own that stay the same whenever they are sent, and the note in its step row
 * that they were; at start, the texts of steps a stopped host had stored but not sent.
 */
export class StepOutbox {
  constructor(
    private readonly router: RouterServices,
    private readonly store: SessionStore,
  ) {}

  /**
   * Would the texts of a step for `msg` be only rows of its held unit (see
   * RouterServices.sendsInUnit)? Then they go before the step's commit and are stored sent in it.
   */
  sendsInUnit(connection: ConnectionLike, msg: IncomingMessage | undefined, unit: object): boolean {
    return msg?.scope === unit && this.router.sendsInUnit?.(connection) === true
  }

  /** Send a step's texts to `connection`, in order (replies to `msg` when given). */
  async send({ sessionId, seq, sends }: StepTexts, connection: ConnectionLike, msg?: IncomingMessage): Promise<void> {
    for (const [i, text] of sends.entries()) await this.router.send(text, connection, { id: sendId(sessionId, seq, i), ...(msg && { inResponseTo: msg }) })
  }

  /**
   * Send a stored step's texts, then note them sent; with a message, the note and the
   * replies' own rows (the message log's, a backend's) commit together, and the message
   * finishes once they are committed.
   */
  async deliver(step: StepTexts, connection: ConnectionLike, msg?: IncomingMessage): Promise<void> {
    if (!step.sends.length) return
    const unit = msg?.scope ?? {}
    const writer = this.router.db.writer
    writer.hold(unit)
    let mark: Promise<void>
    try {
      await this.send(step, connection, msg)
    } finally {
      mark = this.store.markSent(step.sessionId, step.seq, this.router.clock.date(), unit)
      writer.release(unit)
    }
    if (msg) msg.scope.track(mark)
    else await mark
  }

  /** Send the texts of steps a stopped host had stored but not handed on (the same ids as the first time). */
  async resend(): Promise<void> {
    const unsent = await this.store.unsent()
    if (!unsent.length) return
    const em = this.router.db.orm.em.fork()
    for (const step of unsent) {
      const connection = await em.findOne(Connection, step.connectionId, { populate: ['backend', 'contact'] })
      // A gateway that already took one can tell it is the same by its id.
      if (connection) await this.send(step, connection)
      await this.store.markSent(step.sessionId, step.seq, this.router.clock.date())
    }
    log.info({ steps: unsent.length }, `sent the texts of ${unsent.length} dialogue step(s) a stopped host had stored but not sent`)
  }
}
