import type { EntityManager } from '@mikro-orm/knex'
import type { DeliveryOutcome } from '../../../actors/backend.actor.js'
import { groupBy } from '../../core/group-by.js'
import { OutgoingMessage, type ConnectionLike } from '../../core/messages/index.js'
import { MessageScope } from '../../core/scope.js'
import { lookupConnectionRows } from '../../models/index.js'
import type { BulkContext } from './context.js'
import type { BulkStatements, JobRow, RecipientRow } from './statements.js'
import { StatusWriter, type FailedRecipient } from './status-writer.js'

/**
 * One run of a job by a sender holding its lease: its backends' queued recipients sent in
 * batches, a window of them in flight per backend, what it has done, and whether it should
 * stop (the sender decides what the job becomes then).
 */
export class JobRun {
  sent = 0
  failed = 0
  handed = 0
  /** Why it stops early: paused on request, the host stops, another runner took the job, a failure. */
  stop: 'paused' | 'stopping' | 'lost' | undefined
  failure: unknown
  readonly stopped: Promise<void>
  readonly #statuses: StatusWriter
  #wake!: () => void

  constructor(
    readonly job: JobRow,
    private readonly sql: BulkStatements,
    private readonly runner: string,
    private readonly context: BulkContext,
  ) {
    this.stopped = new Promise((resolve) => (this.#wake = resolve))
    this.#statuses = new StatusWriter(sql, job.id, runner, context.clock)
  }

  halt(reason: NonNullable<JobRun['stop']>, failure?: unknown): void {
    if (this.stop) return
    this.stop = reason
    this.failure = failure
    this.#wake()
  }

  /** Send every backend's queued recipients, the backends side by side, until none is left or the run stops. */
  async sendAll(window: number, progressed: () => void): Promise<void> {
    const backends = await this.sql.backendsToSend(this.job.id)
    await Promise.all(backends.map((backend) => this.#sendBackend(backend, window, progressed)))
  }

  /** Send one backend's recipients, `window` batches at a time, until none is left or the run stops. */
  async #sendBackend(backend: string, window: number, progressed: () => void): Promise<void> {
    // Batches whose backend has not answered yet (the window), and every batch until its statuses are committed.
    const inFlight = new Set<Promise<void>>()
    const writing = new Set<Promise<void>>()
    let after = 0
    // Batches are prepared side by side but handed to the backend in id order, each after the one before.
    let handed: Promise<void> = Promise.resolve()
    while (!this.stop) {
      const rows = await this.sql.page(this.job.id, backend, after, this.context.batchSize, this.runner)
      if (!rows.length) {
        if (!(await this.sql.heartbeat(this.job.id, this.runner, this.context.clock.date()))) this.halt('lost')
        break
      }
      after = rows[rows.length - 1]!.id
      const turn = handed
      let release!: () => void
      handed = new Promise((resolve) => (release = resolve))
      let answered!: () => void
      const sending: Promise<void> = new Promise<void>((resolve) => (answered = resolve)).finally(() => inFlight.delete(sending))
      const batch: Promise<void> = this.#sendBatch(backend, rows, turn, release, answered)
        .then(progressed, (error: unknown) => this.halt('stopping', error))
        .finally(() => (release(), answered(), writing.delete(batch)))
      inFlight.add(sending)
      writing.add(batch)
      if (inFlight.size >= window) await Promise.race([...inFlight, this.stopped])
      // Outcomes waiting for their commit are bounded too (the disk may be slower than the backend).
      if (writing.size >= 4 * window) await Promise.race([...writing, this.stopped])
    }
    await Promise.all(writing)
  }

  /**
   * One batch: its connections, each recipient's message through the outgoing phase, then
   * to the backend's actor once the batch before was handed to it (`turn`; `handed` lets the
   * next go); once it answered (`answered` frees its place in the window) its recipients
   * become `S`, or `E` with the error, committed with the outcomes of the batches that came
   * back meanwhile (StatusWriter).
   */
  async #sendBatch(backend: string, rows: RecipientRow[], turn: Promise<void>, handed: () => void, answered: () => void): Promise<void> {
    const { db, delivery, pipeline, inspector } = this.context
    const { job } = this
    const em = () => db.orm.em.fork() as EntityManager
    // Apps of the outgoing phase see the connections as rows, with their contacts (the job made
    // them once its recipients were stored; one gone since is made again); without any such
    // app, nothing reads more than the backend and the identity.
    const identities = rows.map((r) => r.identity)
    const connections: ConnectionLike[] = pipeline.hasOutgoingApps
      ? await lookupConnectionRows(em(), backend, identities, this.context.clock.date())
      : identities.map((identity) => ({ backend: { name: backend }, identity }))
    // Each recipient's message passes the outgoing phase (an app may change its text, say to
    // the contact's language, or cancel it), one after the other; what they write is one unit.
    const scope = new MessageScope(em)
    const passed: { row: RecipientRow; text: string }[] = []
    const failed: FailedRecipient[] = []
    for (let i = 0; i < rows.length; i++) {
      const msg = new OutgoingMessage({ id: job.messageId, text: job.text, connections: [connections[i]!] })
      msg.scope = scope
      let text: string | undefined
      const sent = await pipeline.send(msg, async (sending) => {
        text = sending.text
      })
      if (!sent || text === undefined) failed.push({ id: rows[i]!.id, error: 'cancelled by an app in the outgoing phase' })
      else passed.push({ row: rows[i]!, text })
    }
    await scope.settle()
    // One send per text (all of them, unless an app changed some), after the batch before.
    await turn
    const sends = [...groupBy(passed, (p) => p.text)].map(([text, group]) => {
      const recipients = group.map((p) => p.row)
      return { recipients, delivering: delivery.toBackend(backend, job.messageId, text, recipients.map((r) => r.identity), {}) }
    })
    handed()
    const sentIds: number[] = []
    for (const { recipients, delivering } of sends) {
      this.handed += recipients.length
      const outcome: DeliveryOutcome = (await delivering) ?? { sent: false, error: `no backend named "${backend}" is configured` }
      // When the backend named the identities that failed, the others were sent.
      const refused = outcome.sent ? undefined : new Set(outcome.failedIdentities ?? recipients.map((r) => r.identity))
      const error = (!outcome.sent && outcome.error) || 'the backend did not accept it'
      for (const row of recipients) {
        if (refused?.has(row.identity)) failed.push({ id: row.id, error })
        else sentIds.push(row.id)
      }
    }
    answered()
    const held = await this.#statuses.write({ sentIds, failed })
    if (!held) this.halt('lost')
    // Progress counts what is committed.
    const failures = rows.length - sentIds.length
    this.sent += sentIds.length
    this.failed += failures
    inspector.emit('bulk.batch', { jobId: job.id, backend, identities: rows.length, sent: sentIds.length, failed: failures })
  }
}
