/**
 * Finding the bursts in a run: moments when many requests finish slow together, which is
 * what a pause of the whole server (or machine) looks like from the load generator, as
 * opposed to single slow requests.
 */

export interface Burst {
  /** Epoch ms of the first and last slow completion in it. */
  first: number
  last: number
  /** Slow requests in it. */
  slow: number
}

export interface BurstReport {
  bursts: Burst[]
  /** Requests slower than the threshold, in all. */
  slow: number
}

/**
 * Slow completions (latency over `slowMs`) closer than `gapMs` to the previous one form a
 * cluster; a cluster of at least `minSlow` is a burst. `done` and `latency` are parallel:
 * completion time (epoch ms, ascending) and latency (ms) of each request.
 */
export function findBursts(done: ArrayLike<number>, latency: ArrayLike<number>, count: number, options: { slowMs: number; minSlow: number; gapMs?: number }): BurstReport {
  const gapMs = options.gapMs ?? 5
  const bursts: Burst[] = []
  let slow = 0
  let cluster: Burst | undefined
  const close = () => {
    if (cluster && cluster.slow >= options.minSlow) bursts.push(cluster)
    cluster = undefined
  }
  for (let i = 0; i < count; i++) {
    if (latency[i]! <= options.slowMs) continue
    slow++
    const t = done[i]!
    if (cluster && t - cluster.last <= gapMs) {
      cluster.last = t
      cluster.slow++
    } else {
      close()
      cluster = { first: t, last: t, slow: 1 }
    }
  }
  close()
  return { bursts, slow }
}

/** How many bursts began at most `leadMs` after one of the `pauses` ([start, length] epoch ms) ended, or during it. */
export function burstsAfterPauses(bursts: Burst[], pauses: [number, number][], leadMs = 50): number {
  return bursts.filter((b) => pauses.some(([start, length]) => start <= b.last && start + length >= b.first - leadMs)).length
}
