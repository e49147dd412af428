import type fc from 'fast-check'

/**
 * How many inputs each fuzz property tries, and from which seed: one place for the choice.
 *
 * - In CI (and `npm test`): a fixed seed and the property's own short count, so a run is
 *   the same every time and the whole folder stays well under a minute per project.
 * - `FUZZ_RUNS=10000 npx vitest run test/fuzz`: that many inputs for every property.
 * - `FUZZ_SEED=random`: a fresh seed per run (fast-check prints it with any failure);
 *   `FUZZ_SEED=<n>` replays a seed, and with `FUZZ_PATH=<path>` (also printed) exactly the
 *   counterexample that failed, without searching again.
 *
 * In CI a property that runs out of time (a slow machine) stops early and passes with the
 * inputs it tried; in a long run (FUZZ_RUNS set) running out of time fails the property, so
 * a passing long run has tried every one of its inputs. A property that fails while
 * shrinking its counterexample reports the smallest found.
 */
const FIXED_SEED = 20261201

const seedSetting = process.env.FUZZ_SEED
const runsSetting = Number(process.env.FUZZ_RUNS ?? '')

/** The seed of every property of this run. */
export const FUZZ_SEED = seedSetting === 'random' ? (Date.now() ^ (Math.random() * 2 ** 31)) >>> 0 : seedSetting ? Number(seedSetting) : FIXED_SEED

/** Is FUZZ_RUNS set (a long run)? */
export const LONG_RUN = Number.isInteger(runsSetting) && runsSetting > 0

const runsOf = (ciRuns: number, share: number) => (LONG_RUN ? Math.max(ciRuns, Math.ceil(runsSetting * share)) : ciRuns)

/**
 * The vitest timeout of a property of `ciRuns` inputs (or its share of FUZZ_RUNS) that take
 * about `msPerRun` each: three times that, and at least 20 s.
 */
export function fuzzTimeout(ciRuns: number, msPerRun: number, share = 1): number {
  return Math.max(20_000, runsOf(ciRuns, share) * msPerRun * 3)
}

/**
 * fast-check parameters for a property that tries `ciRuns` inputs in CI, each taking about
 * `msPerRun`; use fuzzTimeout with the same numbers as the test's timeout. A property of
 * slow inputs (tens of kilobytes each) takes `share` of FUZZ_RUNS in a long run.
 * @example it.prop([fc.string()], fuzz(200, 1))('never throws', (text) => { parse(text) }, fuzzTimeout(200, 1))
 */
export function fuzz(ciRuns: number, msPerRun: number, share = 1): fc.Parameters<any> {
  const path = process.env.FUZZ_PATH
  return {
    seed: FUZZ_SEED,
    numRuns: runsOf(ciRuns, share),
    interruptAfterTimeLimit: fuzzTimeout(ciRuns, msPerRun, share) - 3_000,
    markInterruptAsFailure: LONG_RUN,
    ...(path && { path, endOnFailure: true }),
  }
}
