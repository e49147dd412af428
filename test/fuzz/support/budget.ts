import { expect } from 'vitest'

/**
 * How long one call on one long adversarial input may take. Linear work on the inputs the
 * tests make (up to 60,000 characters) takes about a millisecond; catastrophic backtracking
 * over them takes seconds. The margin is wide because the machine is shared: a call over
 * budget is timed again, and only the faster of the two counts.
 */
export const BUDGET_MS = 250

/** Run `work` on `input` and check it finished within BUDGET_MS; returns what it returned (or threw). */
export function withinBudget<T>(what: string, input: string, work: () => T): T | unknown {
  let outcome: { value?: T; error?: unknown } = {}
  const timed = () => {
    const started = performance.now()
    try {
      outcome = { value: work() }
    } catch (error) {
      outcome = { error }
    }
    return performance.now() - started
  }
  let ms = timed()
  if (ms > BUDGET_MS) ms = Math.min(ms, timed())
  expect(ms, `${what} took ${ms.toFixed(0)} ms on ${input.length} characters: ${JSON.stringify(input.slice(0, 80))}...`).toBeLessThan(BUDGET_MS)
  return 'error' in outcome ? outcome.error : outcome.value
}
