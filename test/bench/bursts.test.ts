import { describe, expect, it } from 'vitest'
import { burstsAfterPauses, burstsAfterPausesByChance, findBursts } from '../../bench/support/bursts.js'

describe('findBursts (the HTTP benchmark telling pauses from single slow requests)', () => {
  // Completion times (ms) and latencies: a lone slow request at 10, then four slow ones
  // finishing within 5 ms of each other at 100-112, then two slow ones 20 ms apart.
  const done = [10, 20, 100, 103, 104, 108, 112, 150, 170]
  const latency = [25, 5, 30, 31, 29, 33, 21, 40, 40]

  it('groups slow completions closer than the gap and keeps groups of at least minSlow', () => {
    const report = findBursts(done, latency, done.length, { slowMs: 20, minSlow: 3 })
    expect(report).toEqual({ slow: 8, bursts: [{ first: 100, last: 112, slow: 5 }], from: 10, to: 170 })
  })

  it('counts only the first `count` samples, and nothing at or under the threshold is slow', () => {
    expect(findBursts(done, latency, 2, { slowMs: 20, minSlow: 1 })).toEqual({ slow: 1, bursts: [{ first: 10, last: 10, slow: 1 }], from: 10, to: 20 })
    expect(findBursts([1, 2, 3], [20, 20, 20], 3, { slowMs: 20, minSlow: 1 })).toEqual({ slow: 0, bursts: [], from: 1, to: 3 })
  })

  it('a wider gap joins what a narrow one splits', () => {
    expect(findBursts(done, latency, done.length, { slowMs: 20, minSlow: 2, gapMs: 20 }).bursts).toEqual([
      { first: 100, last: 112, slow: 5 },
      { first: 150, last: 170, slow: 2 },
    ])
  })

  it('a burst follows a pause that ended at most 50 ms before it began, or overlapped it', () => {
    const bursts = [
      { first: 100, last: 112, slow: 5 },
      { first: 300, last: 310, slow: 4 },
      { first: 500, last: 505, slow: 4 },
    ]
    // Pauses [start, length]: ends at 60 (40 ms before the first burst), spans the second,
    // ends at 440 (60 ms before the third: too early), and one after everything.
    expect(burstsAfterPauses(bursts, [[40, 20], [290, 30], [420, 20], [900, 10]])).toBe(2)
  })
})

describe('burstsAfterPausesByChance', () => {
  it('is the bursts times the share of the span covered by the pauses and the 50 ms after each', () => {
    // Span 0-1000; pauses [100, 10] and [130, 20] cover 100-200 together (overlapping), and
    // [990, 30] covers 990-1000 inside the span: 110 ms of 1000.
    expect(burstsAfterPausesByChance(10, [[100, 10], [130, 20], [990, 30]], 0, 1000)).toBeCloseTo(1.1)
    expect(burstsAfterPausesByChance(10, [], 0, 1000)).toBe(0)
    expect(burstsAfterPausesByChance(10, [[100, 10]], 500, 500)).toBe(0)
  })
})
