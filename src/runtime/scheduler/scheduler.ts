import { Cron } from 'croner'
import type { Clock, Timer } from '../../core/clock.js'
import { ConfigError } from '../../core/errors.js'
import { generateId } from '../../core/ids.js'
import type { Inspector } from '../../core/inspection.js'
import { getLogger } from '../../core/logger.js'
import type { Scheduler, ScheduledTask as Periodic, TimerSource, WakeTime } from '../../core/scheduling.js'
import type { Database } from '../../models/index.js'
import { TimeHeap } from './heap.js'
import { ScheduledTask } from './models.js'
import { taskSource, TASKS } from './tasks.js'

const log = getLogger('rapidsms.scheduler')

interface Entry extends WakeTime {
  source: string
  seq: number
  /** False once replaced, cancelled or fired (left in the heap, skipped when it comes up). */
  live: boolean
}

interface SourceState {
  source: TimerSource
  /** Everything up to this position is in memory; 'all': everything is; null: nothing loaded yet. */
  loaded: { at: number; key: string } | 'all' | null
  /** Live entries of this source in memory. */
  live: number
  loading?: Promise<void>
  /** Wakes that arrived while a load was running, applied again once it is done. */
  during?: WakeTime[]
}

export interface SchedulerOptions {
  /** Wake times per source kept in memory (the nearest); more are loaded as these fall due. */
  batch?: number
  /** Fires running at once. */
  concurrency?: number
}

/** Node timers cannot wait longer than about 24.8 days; the scheduler wakes at least daily. */
const MAX_DELAY = 86_400_000
const CRON = '@cron'

const position = (w: { at: number; key: string }, p: { at: number; key: string }) => w.at < p.at || (w.at === p.at && w.key <= p.key)

/**
 * The host's scheduler (see Scheduler): one clock timer, armed for the nearest wake time of
 * every source, the periodic tasks and the stored one-shot tasks. Each source keeps only its
 * nearest `batch` wake times in memory and pages through the rest as they fall due; a wake
 * time never fires before it is due, one that fell due while the host was down fires at start.
 */
export class HostScheduler implements Scheduler {
  readonly #heap = new TimeHeap<Entry>()
  readonly #current = new Map<string, Entry>()
  readonly #sources = new Map<string, SourceState>()
  readonly #handlers = new Map<string, (payload: unknown) => unknown>()
  readonly #crons = new Map<string, { cron: Cron; task: () => unknown; name: string }>()
  readonly #inFlight = new Set<Promise<void>>()
  readonly #waiting: (() => void)[] = []
  readonly #batch: number
  readonly #concurrency: number
  #active = 0
  #timer: Timer | undefined
  #timerAt = Infinity
  #running = false
  #seq = 0

  constructor(
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly inspector: Inspector,
    options: SchedulerOptions = {},
  ) {
    this.#batch = options.batch ?? 1000
    this.#concurrency = options.concurrency ?? 100
    this.addSource(taskSource(db, this.#handlers))
    this.#sources.set(CRON, { source: { name: CRON, load: async () => [], fire: (wake) => this.#runCron(wake) }, loaded: 'all', live: 0 })
  }

  /** Wake times of every source in memory (for tests and the bench). */
  get armed(): number {
    return this.#current.size
  }

  addSource(source: TimerSource): void {
    if (this.#sources.has(source.name)) throw new ConfigError('scheduler', `a timer source named "${source.name}" is already registered`)
    const state: SourceState = { source, loaded: null, live: 0 }
    this.#sources.set(source.name, state)
    if (this.#running) void this.#load(state).then(() => this.#arm())
  }

  /** Load the nearest wake times of every source and arm the timer (the host calls it after its actors started). */
  async start(): Promise<void> {
    this.#running = true
    await Promise.all([...this.#sources.values()].map((state) => this.#load(state)))
    this.#arm()
  }

  /** Stop arming and wait for the fires in flight. */
  async stop(): Promise<void> {
    this.#running = false
    this.#timer?.cancel()
    this.#timer = undefined
    this.#timerAt = Infinity
    while (this.#inFlight.size) await Promise.all([...this.#inFlight])
  }

  /** Forget every durable wake time in memory and load them again (after the rows changed behind the scheduler's back, as a test's reset). */
  async reload(): Promise<void> {
    await Promise.all([...this.#sources.values()].map((state) => state.loading))
    for (const [id, entry] of this.#current) if (entry.source !== CRON) this.#kill(entry, id)
    this.#heap.filter((e) => e.live)
    for (const state of this.#sources.values()) if (state.source.name !== CRON) state.loaded = null
    if (!this.#running) return
    await Promise.all([...this.#sources.values()].map((state) => this.#load(state)))
    this.#arm()
  }

  wake(sourceName: string, wake: WakeTime | { key: string; at: null }): void {
    const state = this.#sources.get(sourceName)
    if (!state) throw new Error(`No timer source named "${sourceName}" is registered`)
    state.during?.push(wake as WakeTime)
    const id = `${sourceName}\u0000${wake.key}`
    const old = this.#current.get(id)
    if (old && wake.at !== null) {
      if (old.version > wake.version || (old.version === wake.version && old.at === wake.at)) return
    }
    if (old) this.#kill(old, id)
    if (wake.at === null) return this.#arm()
    if (state.loaded === null || (state.loaded !== 'all' && !position(wake as WakeTime, state.loaded))) return
    this.#push(state, wake as WakeTime)
    if (state.live > 2 * this.#batch) this.#trim(state)
    this.#arm()
  }

  schedule(cron: string, task: () => unknown, options: { timeZone?: string; name?: string } = {}): Periodic {
    let parsed: Cron
    try {
      parsed = new Cron(cron, { timezone: options.timeZone })
    } catch (error) {
      throw new ConfigError('schedule', `"${cron}" is not a cron expression: ${(error as Error).message}`)
    }
    const key = `cron:${this.#seq++}`
    const name = options.name ?? cron
    this.#crons.set(key, { cron: parsed, task, name })
    this.#pushCron(key, this.clock.now())
    return {
      nextRun: () => {
        const entry = this.#current.get(`${CRON}\u0000${key}`)
        return entry ? new Date(entry.at) : null
      },
      stop: () => {
        this.#crons.delete(key)
        this.wake(CRON, { key, at: null })
      },
    }
  }

  task(name: string, handler: (payload: unknown) => unknown): void {
    this.#handlers.set(name, handler)
  }

  async runAt(date: Date, task: string, payload?: unknown): Promise<string> {
    const id = generateId()
    await this.db.writer.insert(ScheduledTask, { id, task, payload: payload ?? null, runAt: date, createdAt: this.clock.date() } as never)
    this.wake(TASKS, { key: id, at: date.getTime(), version: 1, data: { task, payload: payload ?? null } })
    return id
  }

  #push(state: SourceState, wake: WakeTime): void {
    const entry: Entry = { key: wake.key, at: wake.at, version: wake.version, data: wake.data, source: state.source.name, seq: this.#seq++, live: true }
    this.#current.set(`${entry.source}\u0000${entry.key}`, entry)
    this.#heap.push(entry)
    state.live++
    if (this.inspector.active) this.inspector.emit('timer.armed', { source: entry.source, key: entry.key, at: entry.at })
  }

  #kill(entry: Entry, id: string): void {
    entry.live = false
    this.#current.delete(id)
    this.#sources.get(entry.source)!.live--
  }

  /** Keep only the nearest `batch` wake times of a source in memory; the rest are loaded again later. */
  #trim(state: SourceState): void {
    const mine = [...this.#current.values()].filter((e) => e.source === state.source.name).sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1))
    const kept = mine.slice(0, this.#batch)
    for (const entry of mine.slice(this.#batch)) this.#kill(entry, `${entry.source}\u0000${entry.key}`)
    const last = kept.at(-1)!
    state.loaded = { at: last.at, key: last.key }
    this.#heap.filter((e) => e.live)
  }

  #load(state: SourceState): Promise<void> {
    if (state.loaded === 'all') return Promise.resolve()
    state.loading ??= (async () => {
      const during: WakeTime[] = []
      state.during = during
      try {
        const after = state.loaded as { at: number; key: string } | null
        const rows = await state.source.load(after, this.#batch)
        for (const row of rows) {
          const id = `${state.source.name}\u0000${row.key}`
          const current = this.#current.get(id)
          if (current && current.version >= row.version) continue
          if (current) this.#kill(current, id)
          this.#push(state, row)
        }
        const last = rows.at(-1)
        state.loaded = rows.length < this.#batch || !last ? 'all' : { at: last.at, key: last.key }
      } catch (error) {
        log.error({ err: error, source: state.source.name }, 'could not load wake times')
      } finally {
        state.during = undefined
        state.loading = undefined
      }
      for (const wake of during) this.wake(state.source.name, wake)
    })()
    return state.loading
  }

  /** The next moment to wake: the nearest live wake time, or the edge of what a source has loaded. */
  #nextAt(): number {
    let top = this.#heap.peek()
    while (top && !top.live) {
      this.#heap.pop()
      top = this.#heap.peek()
    }
    let at = top?.at ?? Infinity
    for (const state of this.#sources.values()) if (state.loaded !== null && state.loaded !== 'all' && state.loaded.at < at) at = state.loaded.at
    return at
  }

  #arm(): void {
    if (!this.#running) return
    const at = this.#nextAt()
    if (at === this.#timerAt && this.#timer) return
    this.#timer?.cancel()
    this.#timer = undefined
    this.#timerAt = at
    if (at === Infinity) return
    const delay = Math.min(MAX_DELAY, Math.max(0, at - this.clock.now()))
    this.#timer = this.clock.setTimeout(() => this.#onTimer(), delay).unref()
  }

  /** Fire what is due (never early), refill sources running low, arm for the next; resolves once these fires are done. */
  #onTimer(): Promise<void> {
    this.#timer = undefined
    this.#timerAt = Infinity
    const now = this.clock.now()
    const due: Entry[] = []
    for (let top = this.#heap.peek(); top && (!top.live || top.at <= now); top = this.#heap.peek()) {
      this.#heap.pop()
      if (!top.live) continue
      this.#kill(top, `${top.source}\u0000${top.key}`)
      due.push(top)
    }
    const loads: Promise<void>[] = []
    for (const state of this.#sources.values()) {
      const edge = state.loaded !== null && state.loaded !== 'all' && state.loaded.at <= now
      if (state.loaded !== 'all' && (edge || state.live < this.#batch / 2)) loads.push(this.#load(state))
    }
    const fires = due.map((entry) => this.#fire(entry, now))
    this.#arm()
    if (loads.length) void Promise.all(loads).then(() => this.#arm())
    return Promise.all([...fires, ...loads]).then(() => undefined)
  }

  #fire(entry: Entry, now: number): Promise<void> {
    const work = (async () => {
      await this.#slot()
      try {
        if (this.inspector.active) this.inspector.emit('timer.fired', { source: entry.source, key: entry.key, at: entry.at, latenessMs: Math.max(0, this.clock.now() - entry.at) })
        await this.#sources.get(entry.source)!.source.fire(entry)
      } catch (error) {
        log.error({ err: error, source: entry.source, key: entry.key, due: new Date(entry.at).toISOString(), firedAt: new Date(now).toISOString() }, 'a wake time raised an error when it fired')
      } finally {
        this.#release()
      }
    })()
    this.#inFlight.add(work)
    void work.finally(() => this.#inFlight.delete(work))
    return work
  }

  #slot(): Promise<void> {
    if (this.#active < this.#concurrency) {
      this.#active++
      return Promise.resolve()
    }
    return new Promise((resolve) => this.#waiting.push(resolve))
  }

  #release(): void {
    const next = this.#waiting.shift()
    if (next) next()
    else this.#active--
  }

  #pushCron(key: string, from: number): void {
    const cron = this.#crons.get(key)
    const next = cron?.cron.nextRun(new Date(from))
    if (!cron || !next) return
    const state = this.#sources.get(CRON)!
    const id = `${CRON}\u0000${key}`
    const old = this.#current.get(id)
    if (old) this.#kill(old, id)
    this.#push(state, { key, at: next.getTime(), version: 0 })
    this.#arm()
  }

  async #runCron(wake: WakeTime): Promise<void> {
    const cron = this.#crons.get(wake.key)
    if (!cron) return
    // The next run is armed first: a slow task does not delay it.
    this.#pushCron(wake.key, Math.max(this.clock.now(), wake.at))
    try {
      await cron.task()
    } catch (error) {
      log.error({ err: error, task: cron.name }, `the periodic task "${cron.name}" raised an error`)
    }
  }
}
