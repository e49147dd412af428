/** A pending timer of a Clock. */
export interface Timer {
  /** Stop it from firing (again). */
  cancel(): void
  /** Let the process exit while only this timer is pending (real clocks; a no-op elsewhere). */
  unref(): this
}

/**
 * Where every part of the runtime reads time and arms timers: actors, backoff, idle release,
 * the writer's batching turn, the scheduler. Nothing else calls `Date.now()` or `setTimeout`,
 * so a test can pass a FakeClock (`rapidsms/testing`) and move time on by hand.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** The current time as a Date. */
  date(): Date
  /** Call `callback` once, `ms` from now. */
  setTimeout(callback: () => unknown, ms: number): Timer
  /** Call `callback` every `ms`. */
  setInterval(callback: () => unknown, ms: number): Timer
  /** Resolves `ms` from now. */
  sleep(ms: number): Promise<void>
  /**
   * Call `callback` in the next turn of the event loop, after the work runnable now (the
   * writer's group commit). Not time: a fake clock runs it as the real one does.
   */
  defer(callback: () => void): void
}

function nodeTimer(handle: NodeJS.Timeout, clear: (handle: NodeJS.Timeout) => void): Timer {
  return {
    cancel: () => clear(handle),
    unref() {
      handle.unref()
      return this
    },
  }
}

/**
 * The machine's clock. Node's timer functions are looked up on each call, not captured, so
 * test tools that replace them (vitest's fake timers) still apply.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  date: () => new Date(),
  setTimeout: (callback, ms) => nodeTimer(setTimeout(callback, ms), clearTimeout),
  setInterval: (callback, ms) => nodeTimer(setInterval(callback, ms), clearInterval),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  defer: (callback) => void setImmediate(callback),
}
