import { AppBase } from '../../apps/base.js'
import type { RouterServices } from '../../apps/router.js'
import { ConfigError } from '../../core/errors.js'
import { chunked } from '../../core/group-by.js'
import { generateId } from '../../core/ids.js'
import { getLogger } from '../../core/logger.js'
import type { ConnectionLike, IncomingMessage } from '../../core/messages/index.js'
import { pythonStrip } from '../../core/python.js'
import type { WakeTime } from '../../core/scheduling.js'
import { Connection } from '../../models/index.js'
import { queuePending } from '../../models/pending-writes.js'
import { StaleWriteError } from '../../models/record-writer.js'
import { languageOf } from '../translation/index.js'
import type { Dialogue } from './define.js'
import { beginSession, dueTimers, EXPIRY, stepSession, wakeAt, type SessionLimits, type StepOutcome, type StoredTimer } from './engine.js'
import { REPLY, STOPPED } from './helpers.js'
import { migrations } from './migrations/index.js'
import { dialoguePages } from './pages.js'
import { dialogueEntities } from './models.js'
import { afterQuietHours } from './quiet-hours.js'
import { dialogueSettings, sessionLimits } from './settings.js'
import { SessionStore, type SessionRow } from './store.js'
import { render } from './texts.js'
import { StepOutbox } from './outbox.js'

const log = getLogger('rapidsms.contrib.dialogues')

/** The database refused the writes of a step (`cause`): nothing of it was stored. */
class StepNotStored extends Error {
  override name = 'StepNotStored'
  constructor(override readonly cause: unknown) {
    super(`a dialogue step was not stored: ${(cause as Error)?.message ?? cause}`)
  }
}

/** The scheduler's name for the sessions' wake times. */
const SOURCE = 'dialogues'
/** The timer of a start that waits for the end of quiet hours. */
const DEFERRED_START = 'dialogue.deferred-start'

/** Where a step came from: the message it applies (if any) and the unit its writes commit in. */
interface StepContext {
  connection: Connection
  msg?: IncomingMessage
  unit: object
}

/** What startDialogue did. */
export interface StartSummary {
  /** Sessions started now (their first question sent). */
  started: number
  /** Sessions stored to start at the end of quiet hours. */
  deferred: number
  /** Connections left alone: they already had an active session (of this dialogue, or of another without `interrupt`). */
  skipped: number
}

/**
 * Runs the dialogues of the `dialogues` setting (see defineDialogue). Where it sits in
 * `apps` decides who sees a message first: before HandlersApp, a reply to a question that
 * happens to start with a keyword (`echo`) is the dialogue's; after it, the handlers take
 * it. For each incoming message, in its handle phase:
 * - a stop word (`dialogueStopWords`, default `STOP`) ends the connection's active session
 *   (`interrupted`), after the machine's own answer to `dialogue.stop`;
 * - a message matching a dialogue's trigger starts that dialogue (ending an active session
 *   as `interrupted`);
 * - any other message from a connection with an active session is that session's reply.
 * Every step is stored (session and step row) in the commit of the message's own rows, then
 * its texts are sent. Timers (reminders, the expiry) are stored wake times the host's
 * scheduler fires through the connection's conversation.
 */
export class DialogueApp extends AppBase {
  static override appName = 'dialogues'
  static override settings = dialogueSettings
  static override entities = dialogueEntities
  static override migrations = migrations
  // The class itself is what the pages find the installed app by.
  static override pages = dialoguePages(this)

  readonly #byName = new Map<string, Dialogue>()
  readonly #stopWords: Set<string>
  readonly #store: SessionStore
  readonly #outbox: StepOutbox
  readonly #loads = new WeakMap<IncomingMessage, Promise<SessionRow | undefined>>()

  constructor(router: RouterServices) {
    super(router)
    const settings = router.settings
    for (const dialogue of (settings.dialogues as Dialogue[] | undefined) ?? []) {
      if (this.#byName.has(dialogue.name)) throw new ConfigError('dialogues', `two dialogues are named "${dialogue.name}"`)
      this.#byName.set(dialogue.name, dialogue)
    }
    this.#stopWords = new Set(((settings.dialogueStopWords as string[] | undefined) ?? ['STOP']).map((w) => pythonStrip(w).toUpperCase()))
    this.#store = new SessionStore(router.db, router.clock)
    this.#outbox = new StepOutbox(router, this.#store)
  }

  /** The installed dialogues, by name. */
  get dialogues(): ReadonlyMap<string, Dialogue> {
    return this.#byName
  }

  /** The sessions' reads and writes (for tests and tools). */
  get store(): SessionStore {
    return this.#store
  }

  override async start(): Promise<void> {
    this.router.scheduler.addSource({
      name: SOURCE,
      load: async (after, limit) =>
        (await this.#store.wakes(after, limit)).map((row) => ({ key: row.id, at: row.wakeAt, version: row.version, data: { backend: row.backend, identity: row.identity } })),
      fire: (wake) => this.#fire(wake),
    })
    await this.#outbox.resend()
  }

  /** Load the connection's active session, and hold the message's writes so the step commits with them. */
  override filter(msg: IncomingMessage): undefined {
    const connection = msg.connections[0]
    if (!this.#byName.size || connection?.id === undefined) return undefined
    const writer = this.router.db.writer
    writer.hold(msg.scope)
    // Released by handle(); by the router's settle if an app filtered the message first.
    msg.scope.beforeSettle(() => writer.release(msg.scope))
    // The session this host last stored for a conversation in memory needs no read; any other, one.
    const known = this.#memory(connection)?.get(this) as SessionRow | undefined
    const load = known ? Promise.resolve(known) : this.#store.active(connection.id)
    load.catch(() => undefined)
    this.#loads.set(msg, load)
    return undefined
  }

  override async handle(msg: IncomingMessage): Promise<boolean> {
    const load = this.#loads.get(msg)
    if (!load) return false
    this.#loads.delete(msg)
    try {
      const session = await load
      const context: StepContext = { connection: msg.connections[0] as Connection, msg, unit: msg.scope }
      if (this.#stopWords.has(pythonStrip(msg.text).toUpperCase())) {
        if (!session) return false
        await this.#apply(session, { type: STOPPED }, context)
        return true
      }
      const triggered = [...this.#byName.values()].find((d) => d.triggeredBy(msg))
      if (triggered) {
        await this.#begin(triggered, context, { interrupt: session })
        return true
      }
      if (!session) return false
      const next = await this.#apply(session, { type: REPLY, text: msg.text }, context)
      // A session that failed on this message leaves it to the other apps.
      return next.status !== 'failed'
    } catch (error) {
      // Nothing of this message was stored, and nothing answers it: its router reports the
      // failure (its message log row failed with the step), and a gateway sends it again.
      if (error instanceof StaleWriteError) {
        // Another host stepped the session since it was loaded.
        log.warn({ msgId: msg.id }, 'a dialogue step was not stored: its session changed since it was loaded')
        return true
      }
      if (error instanceof StepNotStored) {
        // The database refused a row of the step (one its onDone left pending).
        log.error({ msgId: msg.id, err: error.cause }, error.message)
        return true
      }
      throw error
    } finally {
      this.router.db.writer.release(msg.scope)
    }
  }

  /**
   * Start dialogue `name` with every connection given (ours the first word: a survey sent to a
   * list of contacts), `batchSize` sessions at a time, each in its conversation. A connection
   * that already has an active session is skipped (so running it twice, or again after a
   * crash, asks nobody a second first question), unless `interrupt` is set and that session
   * is of another dialogue. Inside quiet hours a session is stored and starts at their end.
   * @example await dialogues.startDialogue('survey', await lookupConnections('kannel', phones))
   */
  async startDialogue(name: string, connections: ConnectionLike[], input?: unknown, options: { interrupt?: boolean } = {}): Promise<StartSummary> {
    const dialogue = this.#byName.get(name)
    if (!dialogue) throw new ConfigError('dialogues', `no dialogue is named "${name}" (installed: ${[...this.#byName.keys()].join(', ') || 'none'})`)
    const rows = await this.#connectionRows(connections)
    const summary: StartSummary = { started: 0, deferred: 0, skipped: 0 }
    const size = this.router.settings.dialogueBatchSize as number
    for (const batch of chunked(rows, size)) {
      await Promise.all(
        batch.map((connection) =>
          this.router.inConversation(connection, async () => {
            const current = await this.#store.active(connection.id)
            if (current && (current.dialogue === name || !options.interrupt)) return void summary.skipped++
            const now = this.router.clock.now()
            const start = afterQuietHours(now, this.#limits(dialogue).quietHours)
            const context: StepContext = { connection, unit: {} }
            if (start > now) {
              await this.#defer(dialogue, context, start, input, current)
              summary.deferred++
            } else {
              await this.#begin(dialogue, context, { interrupt: current, input })
              summary.started++
            }
          }),
        ),
      )
    }
    log.info({ dialogue: name, ...summary }, `started "${name}": ${summary.started} now, ${summary.deferred} after quiet hours, ${summary.skipped} skipped`)
    return summary
  }

  /** One row per connection (looked up when only backend and identity are known), duplicates once. */
  async #connectionRows(connections: ConnectionLike[]): Promise<Connection[]> {
    const seen = new Set<string>()
    const byBackend = new Map<string, string[]>()
    const rows: Connection[] = []
    for (const connection of connections) {
      const key = `${connection.backend.name}\u0000${connection.identity}`
      if (seen.has(key)) continue
      seen.add(key)
      if (connection.id !== undefined) rows.push(connection as Connection)
      else byBackend.set(connection.backend.name, [...(byBackend.get(connection.backend.name) ?? []), connection.identity])
    }
    for (const [backend, identities] of byBackend) rows.push(...(await this.router.lookupConnections(backend, identities)))
    return rows
  }

  #limits(dialogue: Dialogue | undefined): SessionLimits {
    return sessionLimits(dialogue, this.router.settings)
  }

  /** Start a session now (its first question in the outbox), ending `interrupt` if given. */
  #begin(dialogue: Dialogue, context: StepContext, options: { interrupt?: SessionRow; input?: unknown }): Promise<SessionRow> {
    const input = dialogue.input ? dialogue.input({ msg: context.msg, connection: context.connection, input: options.input }) : options.input
    const outcome = beginSession(dialogue, input, this.router.clock.now(), this.#limits(dialogue))
    return this.#commit(undefined, dialogue, outcome, context, { id: generateId(), interrupted: options.interrupt })
  }

  /** Store a session that starts at `at` (the end of quiet hours): no snapshot yet, one timer. */
  async #defer(dialogue: Dialogue, context: StepContext, at: number, input: unknown, interrupt: SessionRow | undefined): Promise<SessionRow> {
    const timers: StoredTimer[] = [{ id: DEFERRED_START, event: { type: 'dialogue.start', input } as StoredTimer['event'], at }]
    const outcome: StepOutcome = { state: { snapshot: null as never, timers, steps: 0 }, status: 'active', sends: [], event: { type: 'dialogue.defer', until: new Date(at).toISOString() } as StepOutcome['event'], before: null, after: '(waiting for the end of quiet hours)', context: undefined }
    return this.#commit(undefined, dialogue, outcome, context, { id: generateId(), interrupted: interrupt })
  }

  /**
   * The memory of the connection's conversation while it is in memory: there this host keeps
   * the active session it last stored (keyed by this app), so the conversation's next message
   * reads no row. It goes with the conversation once idle; a session another host stepped
   * meanwhile fails the write (its version moved on) and is read again.
   */
  #memory(connection: ConnectionLike): Map<unknown, unknown> | undefined {
    return this.router.conversationMemory?.(connection)
  }

  /** Apply one event to a stored session; the session as it is after. */
  async #apply(session: SessionRow, event: { type: string; [key: string]: unknown }, context: StepContext): Promise<SessionRow> {
    const dialogue = this.#byName.get(session.dialogue)
    const now = this.router.clock.now()
    let outcome: StepOutcome
    if (!dialogue) {
      outcome = { state: { snapshot: session.snapshot ?? {}, timers: [], steps: session.steps }, status: 'failed', sends: [], event, before: null, after: '', context: undefined, failure: `the dialogue "${session.dialogue}" is not installed any more` }
    } else if (session.snapshot === null) {
      // A start waiting for the end of quiet hours: it starts now (the person wrote first, or the time came).
      const start = session.timers.find((t) => t.id === DEFERRED_START)
      outcome = beginSession(dialogue, (start?.event as { input?: unknown } | undefined)?.input, now, this.#limits(dialogue))
    } else {
      outcome = stepSession(dialogue, { snapshot: session.snapshot, timers: session.timers, steps: session.steps }, event, now, this.#limits(dialogue), session.machineSnapshot)
    }
    return this.#commit(session, dialogue, outcome, context)
  }

  /**
   * Store a step in the context's unit (the message's own rows commit with it), then send
   * its texts and note them sent. A completed session's onDone runs first, with the
   * message's EntityManager. Resolves with the session as stored.
   */
  async #commit(session: SessionRow | undefined, dialogue: Dialogue | undefined, outcome: StepOutcome, context: StepContext, extra: { id?: string; interrupted?: SessionRow } = {}): Promise<SessionRow> {
    const { connection, msg, unit } = context
    const at = this.router.clock.date()
    const id = session?.id ?? extra.id!
    const name = dialogue?.name ?? session!.dialogue
    let { status } = outcome
    let failure = outcome.failure
    const language = languageOf(connection) || this.router.settings.languageCode
    let sends = outcome.sends.map((text) => render(text, language))
    // The step's writes commit as one, also where no message holds them (a timer, startDialogue).
    this.router.db.writer.hold(unit)
    let results: Promise<void> | undefined
    if (status === 'completed' && dialogue?.onDone) {
      try {
        // An EntityManager of its own. What it leaves pending commits with the step (a crash
        // keeps both or neither) where the writer can take it (see queuePending); otherwise it
        // is flushed now, before the step.
        const em = this.router.db.orm.em.fork()
        await dialogue.onDone({ context: outcome.context as never, output: outcome.output, em, connection, msg, sessionId: id })
        results = queuePending(em, this.router.db.writer, unit)
        if (!results) await em.flush()
      } catch (error) {
        ;[status, failure, sends] = ['failed', `its onDone raised an error: ${(error as Error).message}`, []]
      }
    }
    if (status === 'failed') log.error({ sessionId: id, dialogue: name, state: outcome.before, event: outcome.event.type }, `dialogue session ${id} of "${name}" failed: ${failure}`)
    const ended = status !== 'active'
    const timers = ended ? [] : outcome.state.timers
    const next: SessionRow = {
      id,
      connectionId: connection.id,
      dialogue: name,
      status,
      snapshot: outcome.state.snapshot,
      timers,
      steps: outcome.state.steps,
      version: (session?.version ?? 0) + 1,
      startedAt: session?.startedAt ?? at,
      expiresAt: timerAt(timers, EXPIRY),
      wakeAt: ended ? null : dateOrNull(wakeAt({ ...outcome.state, timers })),
      ...(outcome.machineSnapshot && { machineSnapshot: outcome.machineSnapshot }),
    }
    const seq = next.version - 1
    // Replies that are only rows of the message's unit go now, stored as sent in the step's commit.
    const texts = { sessionId: id, seq, sends }
    const sendsInUnit = sends.length > 0 && this.#outbox.sendsInUnit(connection, msg, unit)
    const writes = [this.#store.write({ session: next, readVersion: session?.version, seq, event: outcome.event, before: outcome.before, after: outcome.after, sends, sent: sendsInUnit, messageId: msg?.id ?? null, at, endedAt: ended ? at : null }, unit)]
    if (results) writes.push(results)
    const old = extra.interrupted
    if (old) {
      const ending: SessionRow = { ...old, status: 'interrupted', timers: [], version: old.version + 1, expiresAt: null, wakeAt: null }
      writes.push(this.#store.write({ session: ending, readVersion: old.version, seq: old.version, event: { type: 'dialogue.interrupt', by: name }, before: null, after: '(interrupted)', sends: [], messageId: msg?.id ?? null, at, endedAt: at, beforeInserts: true }, unit))
    }
    // A send that throws leaves the step to be stored as it is (its texts as sent), then fails the message.
    const sendFailure = sendsInUnit ? await this.#outbox.send(texts, connection, msg).then(() => undefined, (error: unknown) => ({ error })) : undefined
    this.router.db.writer.release(unit)
    const memory = this.#memory(connection)
    try {
      await Promise.all(writes)
    } catch (error) {
      // Not stored (another host stepped the session, or the database refused): read it again next time.
      memory?.delete(this)
      throw error instanceof StaleWriteError ? error : new StepNotStored(error)
    }
    if (status === 'active') memory?.set(this, next)
    else memory?.delete(this)
    const scheduler = this.router.scheduler
    if (old) scheduler.wake(SOURCE, { key: old.id, at: null })
    scheduler.wake(SOURCE, next.wakeAt ? { key: id, at: next.wakeAt.getTime(), version: next.version, data: { backend: connection.backend.name, identity: connection.identity } } : { key: id, at: null })
    if (this.router.inspector.active) {
      this.router.inspector.emit('session.stepped', { sessionId: id, dialogue: name, seq, event: outcome.event.type, before: outcome.before, after: outcome.after, status, sends: sends.length })
    }
    if (sendFailure) throw sendFailure.error
    if (!sendsInUnit) await this.#outbox.deliver(texts, connection, msg)
    return next
  }

  /** A session's wake time fell due: step its due timers, in its conversation; a stale wake is dropped. */
  async #fire(wake: WakeTime): Promise<void> {
    // Looked at first outside the conversation (a wake of a session that is gone costs one read), then again in it.
    if (this.#stale(wake, await this.#store.byId(wake.key))) return
    const { backend, identity } = wake.data as { backend: string; identity: string }
    const [connection] = await this.router.lookupConnections(backend, [identity])
    await this.router.inConversation(connection!, async () => {
      let session = await this.#store.byId(wake.key)
      if (this.#stale(wake, session)) return
      const context: StepContext = { connection: connection!, unit: {} }
      if (session!.snapshot === null) {
        await this.#apply(session!, { type: 'dialogue.start' }, context)
        return
      }
      const due = dueTimers({ snapshot: session!.snapshot, timers: session!.timers, steps: session!.steps }, this.router.clock.now())
      for (const timer of due) {
        session = await this.#apply(session!, timer.event as never, context)
        if (session.status !== 'active') break
      }
    })
  }

  /** Has the session moved on since the wake was armed? Then the wake is dropped (and says so). */
  #stale(wake: WakeTime, session: SessionRow | undefined): boolean {
    if (session && session.status === 'active' && session.version === wake.version) return false
    if (this.router.inspector.active) {
      const reason = session ? `the session is at version ${session.version} (${session.status}), the wake was armed at ${wake.version}` : 'the session is gone'
      this.router.inspector.emit('timer.dropped', { source: SOURCE, key: wake.key, at: wake.at, reason })
    }
    return true
  }

  /**
   * End an active session from outside its conversation (the Dialogues page, a tool): as if
   * its person had sent a stop word, in the session's conversation, so the machine's answer
   * to `dialogue.stop` (if it has one) is sent and the session ends `interrupted`. Undefined
   * when the session is not active (any more).
   * @example await dialogues.endSession('3f9a...')
   */
  async endSession(sessionId: string): Promise<SessionRow | undefined> {
    const found = await this.#store.byId(sessionId)
    if (!found || found.status !== 'active') return undefined
    const connection = await this.router.db.orm.em.fork().findOne(Connection, found.connectionId, { populate: ['backend', 'contact'] })
    if (!connection) return undefined
    return this.router.inConversation(connection, async () => {
      const session = await this.#store.byId(sessionId)
      if (!session || session.status !== 'active') return undefined
      return this.#apply(session, { type: STOPPED }, { connection, unit: {} })
    })
  }
}

function timerAt(timers: StoredTimer[], id: string): Date | null {
  const timer = timers.find((t) => t.id === id)
  return timer ? new Date(timer.at) : null
}

function dateOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms)
}
