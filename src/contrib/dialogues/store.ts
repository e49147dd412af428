import type { Clock } from '../../core/clock.js'
import { chunked } from '../../core/group-by.js'
import { dateFromRow, jsonFromRow, type Database } from '../../models/index.js'
import type { AnyMachineSnapshot } from 'xstate'
import type { SessionStatus, StoredTimer } from './engine.js'
import { DialogueSession, DialogueStep } from './models.js'

/** A session as the store reads it. */
export interface SessionRow {
  id: string
  connectionId: number
  dialogue: string
  status: SessionStatus
  snapshot: Record<string, unknown> | null
  timers: StoredTimer[]
  steps: number
  version: number
  startedAt: Date
  expiresAt: Date | null
  wakeAt: Date | null
  /** The machine snapshot `snapshot` persists, when this host made it (kept in memory, never stored or read). */
  machineSnapshot?: AnyMachineSnapshot
}

/** A step whose texts were stored but not yet handed to the backends. */
export interface UnsentStep {
  sessionId: string
  connectionId: number
  seq: number
  sends: string[]
}

/** A session's next wake time, as the scheduler arms it. */
export interface WakeRow {
  id: string
  wakeAt: number
  version: number
  backend: string
  identity: string
}

/** What one step writes: the session (new, or its next version) and the step row. */
export interface StepWrite {
  session: SessionRow
  /** The version the step read (undefined: the session is new). */
  readVersion: number | undefined
  seq: number
  event: Record<string, unknown>
  before: string | null
  after: string
  sends: string[]
  /** Were the texts sent before the commit, as rows of it (stored sent)? Otherwise they are stored unsent, sent once committed. */
  sent?: boolean
  messageId: string | null
  at: Date
  endedAt: Date | null
  /** The session's update must be applied before the inserts of its commit (it leaves the one active session of its connection for a new one). */
  beforeInserts?: boolean
}

const SESSION_COLUMNS = 'id, connection_id, dialogue, status, snapshot, timers, steps, version, started_at, expires_at, wake_at'
/** Bound parameters per query, well under SQLite's limit. */
const CHUNK = 500

/**
 * Reads and writes of dialogue sessions, as plain SQL for both databases (a message loads
 * its session and stores it: the hot path, like the writer's). Active sessions of the
 * connections that need one in the same turn are loaded with one query. Writes go through
 * the group-commit writer, in the unit of the message they step for.
 */
export class SessionStore {
  #waiting = new Map<number, ((row: SessionRow | undefined) => void)[]>()
  #failures = new Map<number, ((error: unknown) => void)[]>()
  #scheduled = false

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  #date(value: Date | number): unknown {
    const ms = typeof value === 'number' ? value : value.getTime()
    return this.db.dialect === 'sqlite' ? ms : new Date(ms)
  }

  #run<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.db.orm.em.getConnection().execute<T[]>(sql, params as never[]) as Promise<T[]>
  }

  /** The active session of a connection, if it has one. */
  active(connectionId: number): Promise<SessionRow | undefined> {
    return new Promise((resolve, reject) => {
      const list = this.#waiting.get(connectionId)
      if (list) list.push(resolve), this.#failures.get(connectionId)!.push(reject)
      else this.#waiting.set(connectionId, [resolve]), this.#failures.set(connectionId, [reject])
      if (!this.#scheduled) {
        this.#scheduled = true
        this.clock.defer(() => void this.#loadActive())
      }
    })
  }

  async #loadActive(): Promise<void> {
    this.#scheduled = false
    const waiting = this.#waiting
    const failures = this.#failures
    this.#waiting = new Map()
    this.#failures = new Map()
    const ids = [...waiting.keys()]
    try {
      const found = await this.#activeOf(ids)
      for (const [id, resolvers] of waiting) for (const resolve of resolvers) resolve(found.get(id))
    } catch (error) {
      for (const rejects of failures.values()) for (const reject of rejects) reject(error)
    }
  }

  async byId(id: string): Promise<SessionRow | undefined> {
    const [row] = await this.#run<Record<string, unknown>>(`select ${SESSION_COLUMNS} from dialogue_session where id = ?`, [id])
    return row && sessionOf(row)
  }

  /** The active sessions of these connections, by connection id. */
  async #activeOf(connectionIds: number[]): Promise<Map<number, SessionRow>> {
    const found = new Map<number, SessionRow>()
    for (const chunk of chunked(connectionIds, CHUNK)) {
      const rows = await this.#run<Record<string, unknown>>(`select ${SESSION_COLUMNS} from dialogue_session where status = 'active' and connection_id in (${chunk.map(() => '?').join(', ')})`, chunk)
      for (const row of rows) found.set(Number(row.connection_id), sessionOf(row))
    }
    return found
  }

  /**
   * The earliest wake times of active sessions after the position `after` (by wake time,
   * then id), with what firing needs: the connection's backend and identity.
   */
  async wakes(after: { at: number; key: string } | null, limit: number): Promise<WakeRow[]> {
    const params: unknown[] = []
    let sql =
      'select s.id, s.wake_at, s.version, c.identity, b.name as backend from dialogue_session s join rapidsms_connection c on c.id = s.connection_id join rapidsms_backend b on b.id = c.backend_id where s.wake_at is not null'
    if (after) (sql += ' and (s.wake_at > ? or (s.wake_at = ? and s.id > ?))'), params.push(this.#date(after.at), this.#date(after.at), after.key)
    sql += ` and s.status = 'active' order by s.wake_at, s.id limit ${Math.max(1, Math.floor(limit))}`
    const rows = await this.#run<Record<string, unknown>>(sql, params)
    return rows.map((r) => ({ id: String(r.id), wakeAt: dateFromRow(r.wake_at)!.getTime(), version: Number(r.version), backend: String(r.backend), identity: String(r.identity) }))
  }

  /** Steps whose texts were stored but not handed on (the host stopped in between), oldest first. */
  async unsent(): Promise<UnsentStep[]> {
    const rows = await this.#run<Record<string, unknown>>(
      'select st.session_id, st.seq, st.sends, se.connection_id from dialogue_step st join dialogue_session se on se.id = st.session_id where st.sent_at is null order by st.id',
      [],
    )
    return rows.map((r) => ({ sessionId: String(r.session_id), connectionId: Number(r.connection_id), seq: Number(r.seq), sends: jsonFromRow(r.sends) as string[] }))
  }

  /**
   * Queue a step's writes in `unit`: the session row (inserted, or updated where the version
   * read is still there) and its step row. Resolves once committed; rejects (StaleWriteError)
   * when another step got there first.
   */
  write(step: StepWrite, unit: object): Promise<void> {
    const { session } = step
    const writer = this.db.writer
    const values = {
      status: session.status,
      snapshot: session.snapshot,
      timers: session.timers,
      steps: session.steps,
      version: session.version,
      updatedAt: step.at,
      endedAt: step.endedAt,
      expiresAt: session.expiresAt,
      wakeAt: session.wakeAt,
    }
    const sessionWrite =
      step.readVersion === undefined
        ? writer.insert(DialogueSession, { id: session.id, connection: session.connectionId, dialogue: session.dialogue, startedAt: session.startedAt, ...values } as never, unit)
        : writer.update(DialogueSession, { where: { id: session.id, version: step.readVersion }, set: values as never }, unit, { beforeInserts: step.beforeInserts })
    const stepWrite = writer.insert(
      DialogueStep,
      {
        session: session.id,
        seq: step.seq,
        event: step.event,
        before: step.before,
        after: step.after,
        sends: step.sends,
        messageId: step.messageId,
        at: step.at,
        sentAt: step.sends.length && !step.sent ? null : step.at,
      } as never,
      unit,
    )
    return Promise.all([sessionWrite, stepWrite]).then(() => undefined)
  }

  /** Note that a step's texts were handed to the backends. */
  markSent(sessionId: string, seq: number, at: Date, unit?: object): Promise<void> {
    return this.db.writer.update(DialogueStep, { where: { session: sessionId, seq } as never, set: { sentAt: at } }, unit)
  }
}

function sessionOf(row: Record<string, unknown>): SessionRow {
  return {
    id: String(row.id),
    connectionId: Number(row.connection_id),
    dialogue: String(row.dialogue),
    status: row.status as SessionStatus,
    snapshot: jsonFromRow(row.snapshot) as Record<string, unknown> | null,
    timers: (jsonFromRow(row.timers) as StoredTimer[] | null) ?? [],
    steps: Number(row.steps),
    version: Number(row.version),
    startedAt: dateFromRow(row.started_at)!,
    expiresAt: dateFromRow(row.expires_at),
    wakeAt: dateFromRow(row.wake_at),
  }
}
