import { dateFromRow } from '../../models/index.js'
import { placeholders, SqlStatements, type RunSql } from '../../models/sql-statements.js'
import type { BulkJobStatus, RecipientStatus } from './models.js'

/** A bulk job's row as the sender reads it. */
export interface JobRow {
  id: number
  idempotencyKey: string | null
  messageId: string
  text: string
  status: BulkJobStatus
  total: number
  runner: string | null
  heartbeat: Date | null
}

/** A recipient as a batch sends it. */
export interface RecipientRow {
  id: number
  identity: string
}

/** How many recipients of a job are in each status. */
export type StatusCounts = Record<RecipientStatus, number>

const JOB = 'rapidsms_bulk_job'
const RECIPIENT = 'rapidsms_bulk_recipient'
const JOB_COLUMNS = 'id, idempotency_key, message_id, text, status, total, runner, heartbeat'

function jobRow(row: Record<string, unknown>): JobRow {
  return {
    id: Number(row.id),
    idempotencyKey: (row.idempotency_key as string | null) ?? null,
    messageId: String(row.message_id),
    text: String(row.text),
    status: row.status as BulkJobStatus,
    total: Number(row.total),
    runner: (row.runner as string | null) ?? null,
    heartbeat: dateFromRow(row.heartbeat),
  }
}

/** The bulk sender's statements (a batch of 200 recipients costs a handful of them). */
export class BulkStatements extends SqlStatements {
  /** Run `work` in one transaction. */
  transaction<T>(work: (run: RunSql) => Promise<T>): Promise<T> {
    return this.inTransaction(work)
  }

  /** A new job, `loading`, run by `runner`; undefined when a job has this idempotency key already. */
  async insertJob(job: { key: string | null; messageId: string; text: string; runner: string; at: Date }): Promise<number | undefined> {
    const at = this.dateParam(job.at)
    const [row] = await this.runner()<{ id: number }>(
      `insert into ${JOB} (idempotency_key, message_id, text, status, total, runner, heartbeat, created_at, updated_at) values (?, ?, ?, 'loading', 0, ?, ?, ?, ?) on conflict do nothing returning id`,
      [job.key, job.messageId, job.text, job.runner, at, at, at],
    )
    return row ? Number(row.id) : undefined
  }

  async jobByKey(key: string): Promise<JobRow | undefined> {
    const [row] = await this.runner()(`select ${JOB_COLUMNS} from ${JOB} where idempotency_key = ?`, [key])
    return row && jobRow(row)
  }

  async jobById(id: number): Promise<JobRow | undefined> {
    const [row] = await this.runner()(`select ${JOB_COLUMNS} from ${JOB} where id = ?`, [id])
    return row && jobRow(row)
  }

  /** Jobs left `sending` (by a host that stopped or died), oldest first. */
  async unfinished(): Promise<JobRow[]> {
    return (await this.runner()(`select ${JOB_COLUMNS} from ${JOB} where status = 'sending' order by id`, [])).map(jobRow)
  }

  /**
   * Take the job for `runner` when nobody runs it, `runner` does already, its runner's
   * heartbeat is older than `staleBefore`, or its runner is `gone` (a process known to have
   * ended); true when taken.
   */
  async claim(jobId: number, runner: string, at: Date, staleBefore: Date, gone: string | null): Promise<boolean> {
    const rows = await this.runner()(
      `update ${JOB} set runner = ?, heartbeat = ?, updated_at = ? where id = ? and status <> 'done' and (runner is null or runner = ? or heartbeat < ? or runner = ?) returning id`,
      [runner, this.dateParam(at), this.dateParam(at), jobId, runner, this.dateParam(staleBefore), gone ?? ''],
    )
    return rows.length > 0
  }

  /** Renew the lease; false when `runner` no longer holds it (another took the job over). */
  async heartbeat(jobId: number, runner: string, at: Date, run: RunSql = this.runner()): Promise<boolean> {
    const rows = await run(`update ${JOB} set heartbeat = ? where id = ? and runner = ? returning id`, [this.dateParam(at), jobId, runner])
    return rows.length > 0
  }

  /** Give the job up in `status`; `finished` for a job done. */
  async release(jobId: number, runner: string, status: BulkJobStatus, at: Date): Promise<void> {
    await this.runner()(`update ${JOB} set runner = null, heartbeat = null, status = ?, updated_at = ?${status === 'done' ? ', finished_at = ?' : ''} where id = ? and runner = ?`, [
      status,
      this.dateParam(at),
      ...(status === 'done' ? [this.dateParam(at)] : []),
      jobId,
      runner,
    ])
  }

  /** Store recipients of a job; one already stored (the same backend and identity) is left as it is. */
  async insertRecipients(jobId: number, recipients: readonly { backend: string; identity: string }[], at: Date): Promise<void> {
    if (!recipients.length) return
    const date = this.dateParam(at)
    const params: unknown[] = []
    for (const r of recipients) params.push(jobId, r.backend, r.identity, date)
    await this.runner()(`insert into ${RECIPIENT} (job_id, backend, identity, status, updated_at) values ${recipients.map(() => "(?, ?, ?, 'Q', ?)").join(', ')} on conflict do nothing`, params)
  }

  /** A job whose recipients could not all be stored goes, with those that were. */
  async deleteJob(jobId: number): Promise<void> {
    await this.runner()(`delete from ${RECIPIENT} where job_id = ?`, [jobId])
    await this.runner()(`delete from ${JOB} where id = ?`, [jobId])
  }

  /** Forget the recipients of a job whose loading did not finish (they are stored again). */
  async deleteRecipients(jobId: number): Promise<void> {
    await this.runner()(`delete from ${RECIPIENT} where job_id = ?`, [jobId])
  }

  /** The job's recipients are all stored: it is `sending`, with their number; returns it. */
  async finishLoading(jobId: number, runner: string, at: Date): Promise<number> {
    const [row] = await this.runner()<{ total: number }>(
      `update ${JOB} set status = 'sending', total = (select count(*) from ${RECIPIENT} where job_id = ?), updated_at = ? where id = ? and runner = ? returning total`,
      [jobId, this.dateParam(at), jobId, runner],
    )
    if (!row) throw new Error(`bulk job ${jobId} was taken over while its recipients were stored`)
    return Number(row.total)
  }

  /** Status of a job to `status` (a paused job going on). */
  async setStatus(jobId: number, runner: string, status: BulkJobStatus, at: Date): Promise<void> {
    await this.runner()(`update ${JOB} set status = ?, updated_at = ? where id = ? and runner = ?`, [status, this.dateParam(at), jobId, runner])
  }

  /** The backends that still have recipients to send (queued, or in flight when their runner stopped). */
  async backendsToSend(jobId: number): Promise<string[]> {
    const rows = await this.runner()<{ backend: string }>(`select distinct backend from ${RECIPIENT} where job_id = ? and status = 'Q' order by backend`, [jobId])
    return rows.map((r) => r.backend)
  }

  /**
   * The next recipients to send of one backend, after `afterId`, in id order; none once
   * `runner` no longer holds the job.
   */
  async page(jobId: number, backend: string, afterId: number, limit: number, runner: string): Promise<RecipientRow[]> {
    const rows = await this.runner()<{ id: number; identity: string }>(
      `select id, identity from ${RECIPIENT} where job_id = ? and backend = ? and id > ? and status = 'Q' and exists (select 1 from ${JOB} where id = ? and runner = ?) order by id limit ?`,
      [jobId, backend, afterId, jobId, runner, limit],
    )
    return rows.map((r) => ({ id: Number(r.id), identity: r.identity }))
  }

  /**
   * A connection (and the backend row) for every recipient of a job that has none yet, in
   * one statement each, once its recipients are stored: batches then only look theirs up.
   */
  async createJobConnections(jobId: number, at: Date): Promise<void> {
    const date = this.dateParam(at)
    await this.transaction(async (run) => {
      await run(`insert into rapidsms_backend (name) select distinct backend from ${RECIPIENT} where job_id = ? on conflict do nothing`, [jobId])
      await run(
        `insert into rapidsms_connection (backend_id, identity, created_on, modified_on) select b.id, r.identity, ?, ? from ${RECIPIENT} r join rapidsms_backend b on b.name = r.backend where r.job_id = ? order by r.id on conflict do nothing`,
        [date, date, jobId],
      )
    })
  }

  /** Recipients to a status; `S` also sets their sent time, `E` their error. */
  async mark(ids: readonly number[], status: 'S' | 'E', at: Date, error: string | null = null, run: RunSql = this.runner()): Promise<void> {
    if (!ids.length) return
    const date = this.dateParam(at)
    const set = status === 'S' ? 'status = ?, updated_at = ?, sent_at = ?' : 'status = ?, updated_at = ?, error = ?'
    const values = status === 'S' ? [status, date, date] : [status, date, error]
    await run(`update ${RECIPIENT} set ${set} where id in (${placeholders(ids.length)})`, [...values, ...ids])
  }

  async failures(jobId: number, limit: number): Promise<{ backend: string; identity: string; error: string }[]> {
    const rows = await this.runner()<{ backend: string; identity: string; error: string | null }>(`select backend, identity, error from ${RECIPIENT} where job_id = ? and status = 'E' order by id limit ?`, [jobId, limit])
    return rows.map((r) => ({ backend: r.backend, identity: r.identity, error: r.error ?? '' }))
  }

  async counts(jobId: number): Promise<StatusCounts> {
    const rows = await this.runner()<{ status: RecipientStatus; n: number }>(`select status, count(*) as n from ${RECIPIENT} where job_id = ? group by status`, [jobId])
    const counts: StatusCounts = { Q: 0, S: 0, D: 0, E: 0 }
    for (const row of rows) counts[row.status] = Number(row.n)
    return counts
  }

  /**
   * A gateway's delivery report for one identity of a job's message: its recipient becomes
   * `D` (with its delivered time) or `E`; returns how many rows changed (0: not a bulk job's).
   */
  async report(messageId: string, identity: string, backend: string | undefined, delivered: boolean, at: Date): Promise<number> {
    const date = this.dateParam(at)
    const set = delivered ? "status = 'D', delivered_at = ?, updated_at = ?" : "status = 'E', error = 'the gateway reported it was not delivered', updated_at = ?"
    const rows = await this.runner()(
      `update ${RECIPIENT} set ${set} where job_id = (select id from ${JOB} where message_id = ?) and identity = ?${backend ? ' and backend = ?' : ''} returning id`,
      [...(delivered ? [date, date] : [date]), messageId, identity, ...(backend ? [backend] : [])],
    )
    return rows.length
  }
}
