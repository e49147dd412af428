import type { Clock } from '../../core/clock.js'

export interface ThrottleLimits {
  /** Failed attempts allowed per key within the window. */
  attempts: number
  windowMs: number
}

/**
 * Counts failed logins per key (a username, a client address) over a sliding window; once a
 * key reached its limit, attempts are refused until its oldest failure leaves the window.
 * In memory, per host: a cluster behind a load balancer multiplies the limit by its hosts.
 * @example
 * const throttle = new LoginThrottle(clock)
 * const wait = throttle.retryAfter(['user:ann', 'ip:10.0.0.7'])   // 0: go ahead
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>()

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly limits: Record<'user' | 'ip', ThrottleLimits> = { user: { attempts: 5, windowMs: 15 * 60_000 }, ip: { attempts: 20, windowMs: 15 * 60_000 } },
  ) {}

  /** Milliseconds until the keys may try again (0: now). */
  retryAfter(keys: string[]): number {
    const now = this.clock.now()
    let wait = 0
    for (const key of keys) {
      const { attempts, windowMs } = this.#limitOf(key)
      const recent = this.#recent(key, now, windowMs)
      if (recent.length >= attempts) wait = Math.max(wait, recent[recent.length - attempts]! + windowMs - now)
    }
    return wait
  }

  failed(keys: string[]): void {
    const now = this.clock.now()
    for (const key of keys) this.#failures.set(key, [...this.#recent(key, now, this.#limitOf(key).windowMs), now])
  }

  /** A successful login forgets the failures of its username (not of its address). */
  succeeded(key: string): void {
    this.#failures.delete(key)
  }

  #limitOf(key: string): ThrottleLimits {
    return key.startsWith('ip:') ? this.limits.ip : this.limits.user
  }

  #recent(key: string, now: number, windowMs: number): number[] {
    const times = (this.#failures.get(key) ?? []).filter((t) => t > now - windowMs)
    if (times.length) this.#failures.set(key, times)
    else this.#failures.delete(key)
    return times
  }
}
