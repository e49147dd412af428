import { describe, expect, it } from 'vitest'
import { verifyRun } from '../../bench/workload.js'

/** Row counts as rowCounts() gives them, for `n` messages of each text (ping, echo hello, unknown words). */
const counts = ([a, b, c]: number[], extra: Record<string, number> = {}) => ({
  logIn: a! + b! + c!,
  logOut: a! + b! + c!,
  outTotal: a! + b! + c!,
  in0: a!,
  out0: a!,
  in1: b!,
  out1: b!,
  in2: c!,
  out2: c!,
  ...extra,
})

describe("the HTTP benchmark's row check (verifyRun)", () => {
  const warmup = counts([10, 10, 9])

  it('passes when the rows stored during the run are exactly those of its answered messages, the warm-up left out', () => {
    expect(verifyRun(warmup, counts([20, 19, 19]), 29)).toMatchObject({ ok: true, found: { logIn: 29, outTotal: 29, in0: 10, out0: 10 } })
  })

  it('fails when the run stored rows of more messages than were answered (or fewer)', () => {
    expect(verifyRun(warmup, counts([20, 20, 19]), 29).ok).toBe(false)
    expect(verifyRun(warmup, counts([20, 19, 18]), 29).ok).toBe(false)
  })

  it('fails when a message lacks its reply, or got another text\'s', () => {
    expect(verifyRun(warmup, counts([20, 19, 19], { outTotal: 57, out2: 18 }), 29).ok).toBe(false)
    expect(verifyRun(warmup, counts([20, 19, 19], { out0: 9, out1: 10 }), 29).ok).toBe(false)
  })
})
