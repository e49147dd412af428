import type { Clock, Timer } from '../core/clock.js'
import { parseDuration } from '../core/duration.js'

interface Entry {
  at: number
  seq: number
  callback: () => unknown
  every?: number
  cancelled: boolean
}

/** One turn of the event loop: promise chains and deferred work started meanwhile run. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * A clock that moves only when told: timers fire during `advance()`, in the order they fall
 * due (ties in the order they were armed), each at its own time, and `advance()` waits for
 * what each one returns (a promise: the work it started) before the next. Pass it to a host
 * (`Host.start(settings, { clock })`) or the harness (`useRapidTest({ clock })`).
 * @example
 * const clock = new FakeClock(new Date('2026-12-01T09:00:00Z'))
 * await clock.advance('24h')   // every timer due by then has fired
 */
export class FakeClock implements Clock {
  #now: number
  #seq = 0
  #timers: Entry[] = []

  constructor(start: Date | number = Date.now()) {
    this.#now = typeof start === 'number' ? start : start.getTime()
  }

  now(): number {
    return this.#now
  }

  date(): Date {
    return new Date(this.#now)
  }

  setTimeout(callback: () => unknown, ms: number): Timer {
    return this.#arm(callback, ms)
  }

  setInterval(callback: () => unknown, ms: number): Timer {
    return this.#arm(callback, ms, Math.max(1, ms))
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#arm(resolve, ms))
  }

  defer(callback: () => void): void {
    setImmediate(callback)
  }

  /** Timers armed and not yet fired (intervals count once). */
  get pending(): number {
    return this.#timers.filter((t) => !t.cancelled).length
  }

  /** When the next timer falls due, if any. */
  get nextAt(): Date | undefined {
    const next = this.#next(Infinity)
    return next && new Date(next.at)
  }

  /**
   * Move time on by `by` (milliseconds or a duration: `'24h'`, `'90m'`, `'1h 30m'`), firing
   * every timer that falls due on the way, including timers armed by those that fire.
   * Rejects with the first error a timer's callback threw, once time has moved on.
   */
  async advance(by: number | string): Promise<void> {
    await this.advanceTo(this.#now + parseDuration(by))
  }

  /** Move time on to `when` (never back), firing the timers due by then. */
  async advanceTo(when: Date | number): Promise<void> {
    const target = Math.max(this.#now, typeof when === 'number' ? when : when.getTime())
    let failure: { error: unknown } | undefined
    await turn()
    for (let next = this.#next(target); next; next = this.#next(target)) {
      this.#now = Math.max(this.#now, next.at)
      if (next.every !== undefined) next.at += next.every
      else this.#remove(next)
      try {
        await next.callback()
      } catch (error) {
        failure ??= { error }
      }
      await turn()
    }
    this.#now = target
    await turn()
    if (failure) throw failure.error
  }

  /** Fire every timer due now (after a callback armed one with no delay). */
  runDue(): Promise<void> {
    return this.advanceTo(this.#now)
  }

  #arm(callback: () => unknown, ms: number, every?: number): Timer {
    const entry: Entry = { at: this.#now + Math.max(0, ms), seq: this.#seq++, callback, every, cancelled: false }
    this.#timers.push(entry)
    return {
      cancel: () => {
        entry.cancelled = true
        this.#remove(entry)
      },
      unref() {
        return this
      },
    }
  }

  #next(until: number): Entry | undefined {
    let best: Entry | undefined
    for (const t of this.#timers) if (!t.cancelled && t.at <= until && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))) best = t
    return best
  }

  #remove(entry: Entry): void {
    const i = this.#timers.indexOf(entry)
    if (i >= 0) this.#timers.splice(i, 1)
  }
}
