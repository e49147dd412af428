/** One wake time of a durable source: what is due (`key`), when (epoch ms), armed under `version`. */
export interface WakeTime {
  key: string
  at: number
  version: number
  /** What the source needs to fire it without a lookup (small: it stays in memory while armed). */
  data?: unknown
}

/**
 * Durable wake times kept by a part of the project (dialogue sessions): the scheduler loads
 * the nearest at start and as time goes on, and hands each to `fire` when it falls due.
 */
export interface TimerSource {
  /** Names the source in wake() calls and inspection events. */
  readonly name: string
  /**
   * The earliest wake times, at most `limit`, in the order of (`at`, `key`), after the
   * position `after` (exclusive; null: from the earliest). The scheduler pages through them
   * as they fall due, so only the nearest are in memory.
   */
  load(after: { at: number; key: string } | null, limit: number): Promise<WakeTime[]>
  /** A wake time fell due (never before `at`). Resolves once handled. */
  fire(wake: WakeTime): Promise<void>
}

/** A periodic task of `schedule()`. */
export interface ScheduledTask {
  /** When it runs next (null once stopped). */
  nextRun(): Date | null
  stop(): void
}

/**
 * One per host (RapidSMS's Celery beat): durable wake times of sources (only the nearest
 * armed), periodic tasks (`schedule`, cron expressions) and durable one-shot tasks (`runAt`).
 * Time comes from the host's clock.
 */
export interface Scheduler {
  /** Register a source of durable wake times (before the host starts, e.g. in an app's start()). */
  addSource(source: TimerSource): void
  /** `key` of `source` is now due at `at` under `version` (null: no longer due); replaces what was armed for it. */
  wake(source: string, wake: WakeTime | { key: string; at: null }): void
  /**
   * Run `task` on a cron schedule (croner's syntax: `'0 9 * * 1'` is Mondays at 09:00).
   * @example router.scheduler.schedule('0 6 * * *', () => sendDailyReport(), { timeZone: 'Africa/Nairobi' })
   */
  schedule(cron: string, task: () => unknown, options?: { timeZone?: string; name?: string }): ScheduledTask
  /** The handler of the durable tasks named `name` (register before they fall due: in an app's constructor or start()). */
  task(name: string, handler: (payload: unknown) => unknown): void
  /**
   * Store a one-shot task to run at `date` (at once if that has passed), even after a restart;
   * resolves with its id once stored.
   * @example await router.scheduler.runAt(new Date('2026-12-24T09:00:00Z'), 'greet', { identity: '+254700000001' })
   */
  runAt(date: Date, task: string, payload?: unknown): Promise<string>
}
