import type { RouterServices } from '../../apps/router.js'
import type { StatusUpdate } from '../ports.js'
import { ModemSentPart } from './models.js'
import type { DecodedStatusReport } from './pdu/index.js'

const digits = (s: string) => s.replace(/\D/g, '')

/** Does a status report's recipient name this identity (`+254700000009`, `254700000009`, `0700000009`)? */
export function sameNumber(recipient: string, identity: string): boolean {
  if (recipient === identity) return true
  const [a, b] = [digits(recipient), digits(identity)]
  if (a.length < 6 || b.length < 6) return false
  const tail = Math.min(a.length, b.length, 9)
  return a.slice(-tail) === b.slice(-tail)
}

/**
 * The TP-MR of each part sent, in `modem_sentpart`, so that a status report (`+CDS`) finds
 * its message: a message is delivered once every part is, failed once one part failed.
 */
export class SentParts {
  /** Rows being written, by TP-MR: a report may come before its part's row is committed. */
  readonly #writing = new Map<number, Promise<unknown>>()

  constructor(
    private readonly router: RouterServices,
    private readonly backend: string,
  ) {}

  /** Record one part the modem accepted. */
  record(row: { messageId: string; identity: string; reference: number; part: number; parts: number }): Promise<void> {
    const write = this.router.db.writer.insert(ModemSentPart, { backend: this.backend, ...row, sentAt: this.router.clock.date(), status: 'S' })
    const tracked = write.finally(() => {
      if (this.#writing.get(row.reference) === tracked) this.#writing.delete(row.reference)
    })
    this.#writing.set(row.reference, tracked)
    return write
  }

  /**
   * Apply a status report to its part; the status update of its message when this report
   * settles it (every part delivered, or this part failed), else undefined. A report saying
   * the SMSC still tries (TP-ST 0x20-0x3F) settles nothing.
   */
  async report(report: DecodedStatusReport): Promise<Omit<StatusUpdate, 'backend'> | undefined> {
    if (report.pending) return undefined
    await this.#writing.get(report.reference)?.catch(() => undefined)
    const em = this.router.db.orm.em.fork()
    const candidates = await em.find(ModemSentPart, { backend: this.backend, reference: report.reference, status: 'S' }, { orderBy: { id: 'desc' }, limit: 10 })
    const part = candidates.find((c) => sameNumber(report.recipient, c.identity)) ?? (report.recipient ? undefined : candidates[0])
    if (!part) return undefined
    const status = report.delivered ? 'D' : 'F'
    await em.nativeUpdate(ModemSentPart, { id: part.id }, { status, reportStatus: report.status, reportedAt: this.router.clock.date() })
    const siblings = await em.find(ModemSentPart, { backend: this.backend, messageId: part.messageId, identity: part.identity }, { orderBy: { id: 'desc' } })
    // The latest send of each part counts (a message sent again has new rows).
    const latest = new Map<number, string>()
    for (const row of siblings) if (!latest.has(row.part)) latest.set(row.part, row.id === part.id ? status : row.status)
    const statuses = [...latest.values()]
    if (status === 'F') return statuses.filter((s) => s === 'F').length === 1 ? { messageId: part.messageId, identity: part.identity, outcome: 'failed' } : undefined
    if (latest.size === part.parts && statuses.every((s) => s === 'D')) return { messageId: part.messageId, identity: part.identity, outcome: 'delivered' }
    return undefined
  }
}
