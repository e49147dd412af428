import type { StatusUpdate } from '../../backends/ports.js'
import { BulkInputError, BulkJobBusyError, IdempotencyConflictError, LEASE_MS, type BulkOptions, type BulkProgress, type BulkRecipients, type BulkResult } from '../../core/bulk.js'
import type { Timer } from '../../core/clock.js'
import { generateId } from '../../core/ids.js'
import { getLogger } from '../../core/logger.js'
import { storable } from '../../core/text.js'
import type { BulkContext } from './context.js'
import { JobRun } from './job-run.js'
import { runnerGone, runnerName } from './lease.js'
import { IDEMPOTENCY_KEY_MAX, type BulkJobStatus } from './models.js'
import { checkRecipient, chunks } from './recipients.js'
import { BulkStatements, type JobRow } from './statements.js'

const log = getLogger('rapidsms.bulk')

/** Recipients stored per statement while a job loads. */
const LOAD_CHUNK = 500
/** Batches in flight per backend unless told otherwise. */
export const DEFAULT_WINDOW = 4

/**
 * Bulk sending (the messaging API's `sendBulk()`, `rapidsms send`): one text to any number
 * of recipients, with a status per recipient.
 * - The recipients are read as they come (any iterable or async iterable) and stored first,
 *   500 a statement, each once per backend and identity; a bad one stores nothing and throws
 *   a BulkInputError naming it. Then the connections missing are made, one statement.
 * - Then each backend's recipients are sent (JobRun) in id order, in batches of `dbRouterBatchSize`,
 *   at most `window` batches in flight per backend: memory stays flat whatever the number.
 *   Each recipient's message passes the apps' outgoing phase (as a send() to it would), and
 *   each batch is one send of the backend's actor, which paces it (`rate_limit`,
 *   `max_concurrency`) and retries it; its recipients
 *   stay `Q` while in flight, then are `S` or `E` (with the error), one transaction a batch.
 * - A job is run under a lease (its runner and heartbeat): a second call with the same
 *   idempotency key reports a finished job and sends nothing, goes on with an unfinished one
 *   where it stopped, or is refused while another runner is alive. Recipients that were in
 *   flight when a runner died are still `Q` and sent again (at least once, as the
 *   DatabaseRouter does): at most the batches that were in flight.
 * - At start a host goes on with jobs left `sending` (a host that stopped or died); a job
 *   paused on request waits for a call with its key.
 */
export class BulkSender {
  readonly runner = runnerName()
  readonly #sql: BulkStatements
  readonly #running = new Map<number, { run: JobRun; done: Promise<BulkResult> }>()
  readonly #backends: ReadonlySet<string>
  #stopping = false
  #resuming: Promise<unknown> = Promise.resolve()

  constructor(private readonly context: BulkContext) {
    this.#sql = new BulkStatements(context.db)
    this.#backends = new Set(context.backends)
  }

  /** Send `text` to every recipient; resolves once the job is done, paused, or the host stops. */
  async send(text: string, recipients: BulkRecipients, options: BulkOptions = {}): Promise<BulkResult> {
    if (this.#stopping) throw new Error('The router is shutting down')
    const key = options.idempotencyKey ?? null
    if (typeof text !== 'string' || !text) throw new BulkInputError('text', 'the text is empty')
    if (storable(text) !== text) throw new BulkInputError('text', 'the text has a character no database stores (a NUL or a lone surrogate)')
    if (key !== null && (typeof key !== 'string' || !key || key.length > IDEMPOTENCY_KEY_MAX)) throw new BulkInputError('idempotencyKey', `expected 1 to ${IDEMPOTENCY_KEY_MAX} characters`)
    const now = this.context.clock.date()
    const messageId = generateId()
    const id = await this.#sql.insertJob({ key, messageId, text, runner: this.runner, at: now })
    if (id !== undefined) {
      // The row as it was just stored.
      const job: JobRow = { id, idempotencyKey: key, messageId, text, status: 'loading', total: 0, runner: this.runner, heartbeat: now }
      await this.#load(job, recipients, options)
      if (options.signal?.aborted) return this.#release(job, 'loading', 0, false)
      return this.#start(job, options, false)
    }
    const job = (await this.#sql.jobByKey(key!))!
    if (job.text !== text) throw new IdempotencyConflictError(key!)
    const running = this.#running.get(job.id)
    if (running) return running.done
    if (job.status === 'done') return this.#result(job, 0, true)
    await this.#claim(job)
    if (job.status === 'loading') {
      await this.#sql.deleteRecipients(job.id)
      await this.#load(job, recipients, options)
      if (options.signal?.aborted) return this.#release(job, 'loading', 0, true)
    }
    return this.#start(job, options, true)
  }

  /** The job and what became of its recipients so far, by id or idempotency key. */
  async job(which: number | string): Promise<BulkResult | undefined> {
    const job = typeof which === 'number' ? await this.#sql.jobById(which) : await this.#sql.jobByKey(which)
    return job && this.#result(job, 0, false)
  }

  /** Recipients of a job that failed, with their errors, in id order (at most `limit`). */
  failures(jobId: number, limit = 10): Promise<{ backend: string; identity: string; error: string }[]> {
    return this.#sql.failures(jobId, limit)
  }

  /**
   * Go on with the jobs left `sending` whose runner stopped, died or went silent (one after
   * the other); resolves with how many were taken up once they finished or the host stopped.
   */
  resume(): Promise<number> {
    const resuming = this.#resume()
    this.#resuming = resuming.catch(() => 0)
    return resuming
  }

  async #resume(): Promise<number> {
    let taken = 0
    for (const job of await this.#sql.unfinished()) {
      if (this.#stopping) break
      if (this.#running.has(job.id)) continue
      try {
        await this.#claim(job)
      } catch (error) {
        if (error instanceof BulkJobBusyError) continue
        throw error
      }
      taken++
      await this.#start(job, {}, true)
    }
    return taken
  }

  /** Stop: no new jobs; running ones finish their batches in flight and stay `sending` for the next host. */
  async stop(): Promise<void> {
    this.#stopping = true
    const running = [...this.#running.values()]
    for (const { run } of running) run.halt('stopping')
    await Promise.allSettled(running.map((r) => r.done))
    await this.#resuming
  }

  /** A gateway's delivery report: the recipient of a bulk job's message becomes `D` or `E`. */
  async reportStatus(update: StatusUpdate): Promise<void> {
    if (!/^[0-9a-f]{32}$/.test(update.messageId)) return
    await this.#sql.report(update.messageId, update.identity, update.backend, update.outcome === 'delivered', this.context.clock.date())
  }

  /** Take the lease of a job someone else may hold; BulkJobBusyError while its runner lives. */
  async #claim(job: JobRow): Promise<void> {
    const now = this.context.clock.date()
    const gone = job.runner && job.runner !== this.runner && runnerGone(job.runner) ? job.runner : null
    if (!(await this.#sql.claim(job.id, this.runner, now, new Date(now.getTime() - LEASE_MS), gone))) {
      const fresh = await this.#sql.jobById(job.id)
      throw new BulkJobBusyError(job.id, fresh?.runner ?? job.runner ?? 'another runner', fresh?.heartbeat ?? job.heartbeat)
    }
    if (job.runner && job.runner !== this.runner) log.warn({ jobId: job.id, previous: job.runner }, `taking over bulk job ${job.id} from ${job.runner}`)
  }

  /** Store the recipients; on any failure (a bad one, the input throwing) the job and its rows go. */
  async #load(job: JobRow, recipients: BulkRecipients, options: BulkOptions): Promise<void> {
    let position = 0
    try {
      for await (const chunk of chunks(recipients, LOAD_CHUNK)) {
        const checked = chunk.map((r) => checkRecipient(r, ++position, this.#backends))
        await this.#sql.insertRecipients(job.id, checked, this.context.clock.date())
        options.onProgress?.({ jobId: job.id, phase: 'loading', total: position, sent: 0, failed: 0 })
        if (options.signal?.aborted) return
      }
      await this.#sql.createJobConnections(job.id, this.context.clock.date())
      job.total = await this.#sql.finishLoading(job.id, this.runner, this.context.clock.date())
      job.status = 'sending'
    } catch (error) {
      await this.#sql.deleteJob(job.id)
      throw error
    }
  }

  /** Run a job this sender holds the lease of, to its end or until it stops. */
  #start(job: JobRow, options: BulkOptions, resumed: boolean): Promise<BulkResult> {
    const run = new JobRun(job, this.#sql, this.runner, this.context)
    if (this.#stopping) run.halt('stopping')
    const done = this.#run(run, options, resumed).finally(() => this.#running.delete(job.id))
    this.#running.set(job.id, { run, done })
    return done
  }

  async #run(run: JobRun, options: BulkOptions, resumed: boolean): Promise<BulkResult> {
    const { job } = run
    const { clock, inspector } = this.context
    const onAbort = () => run.halt('paused')
    options.signal?.addEventListener('abort', onAbort, { once: true })
    if (options.signal?.aborted) run.halt('paused')
    const beat: Timer = clock.setInterval(() => this.#heartbeat(run), LEASE_MS / 3).unref()
    try {
      if (job.status === 'paused') await this.#sql.setStatus(job.id, this.runner, 'sending', clock.date())
      const before = await this.#sql.counts(job.id)
      run.sent = before.S + before.D
      run.failed = before.E
      inspector.emit('bulk.started', { jobId: job.id, messageId: job.messageId, total: job.total, queued: before.Q, resumed })
      const progress = (): BulkProgress => ({ jobId: job.id, phase: 'sending', total: job.total, sent: run.sent, failed: run.failed })
      options.onProgress?.(progress())
      const window = Math.max(1, Math.floor(options.window ?? DEFAULT_WINDOW))
      await run.sendAll(window, () => options.onProgress?.(progress()))
    } catch (error) {
      run.halt('stopping', error)
    } finally {
      beat.cancel()
      options.signal?.removeEventListener('abort', onAbort)
    }
    if (run.stop === 'lost') {
      log.warn({ jobId: job.id }, `bulk job ${job.id} was taken over by another runner; this one stopped`)
      return this.#result(job, run.handed, resumed)
    }
    const status: BulkJobStatus = run.stop === 'paused' ? 'paused' : run.stop === 'stopping' ? 'sending' : 'done'
    const result = await this.#release(job, status, run.handed, resumed)
    inspector.emit('bulk.finished', { jobId: job.id, status, sent: result.sent, failed: result.failed, queued: result.queued })
    if (run.failure) {
      log.error({ err: run.failure, jobId: job.id }, `bulk job ${job.id} stopped on an error; it goes on at the next start`)
      throw run.failure
    }
    return result
  }

  async #heartbeat(run: JobRun): Promise<void> {
    try {
      if (!(await this.#sql.heartbeat(run.job.id, this.runner, this.context.clock.date()))) run.halt('lost')
    } catch (error) {
      log.warn({ err: error, jobId: run.job.id }, 'could not renew the lease of a bulk job')
    }
  }

  async #release(job: JobRow, status: BulkJobStatus, handed: number, repeated: boolean): Promise<BulkResult> {
    await this.#sql.release(job.id, this.runner, status, this.context.clock.date())
    return this.#result({ ...job, status }, handed, repeated)
  }

  async #result(job: JobRow, handed: number, repeated: boolean): Promise<BulkResult> {
    const counts = await this.#sql.counts(job.id)
    const fresh = await this.#sql.jobById(job.id)
    return {
      jobId: job.id,
      idempotencyKey: job.idempotencyKey,
      messageId: job.messageId,
      status: fresh?.status ?? job.status,
      total: fresh?.total ?? job.total,
      sent: counts.S + counts.D,
      delivered: counts.D,
      failed: counts.E,
      queued: counts.Q,
      handed,
      repeated,
    }
  }
}
