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
  /** Epoch ms of the first and last completion: the span the bursts were looked for in. */
  from: number
  to: number
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
  return { bursts, slow, from: count ? done[0]! : 0, to: count ? done[count - 1]! : 0 }
}

/** How many bursts began at most `leadMs` after one of the `pauses` ([start, length] epoch ms) ended, or during it. */
export function burstsAfterPauses(bursts: Burst[], pauses: [number, number][], leadMs = 50): number {
  return bursts.filter((b) => pauses.some(([start, length]) => start <= b.last && start + length >= b.first - leadMs)).length
}

/**
 * How many of `bursts` would follow a pause by chance alone: the share of [from, to]
 * covered by the pauses and the `leadMs` after each, times the bursts.
 */
export function burstsAfterPausesByChance(bursts: number, pauses: [number, number][], from: number, to: number, leadMs = 50): number {
  if (to <= from) return 0
  const spans = pauses.map(([start, length]) => [Math.max(from, start), Math.min(to, start + length + leadMs)] as const).filter(([a, b]) => b > a)
  spans.sort((x, y) => x[0] - y[0])
  let covered = 0
  let end = -Infinity
  for (const [a, b] of spans) {
    if (b <= end) continue
    covered += b - Math.max(a, end)
    end = b
  }
  return (bursts * covered) / (to - from)
}
