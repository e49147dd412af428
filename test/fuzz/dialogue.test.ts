import { fc, it } from '@fast-check/vitest'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import demo from '../../config/demo.config.js'
import { SurveyResponse } from '../../examples/dialogues/models.js'
import { FakeClock, RapidTest } from '../../src/testing/index.js'
import { junkText } from './support/arbitraries.js'
import { fuzz, fuzzTimeout } from './support/runs.js'

/**
 * Replies to a running dialogue (the demo's health survey) under fuzzing: people answer
 * anything, at any step, in any order, stop, start again, and let time pass (reminders,
 * expiry). Whatever they send, no app raises, every message gets an answer, and a saved
 * survey holds what its columns can.
 */
const rapid = new RapidTest({ settings: demo, mockProjectBackends: true, clock: new FakeClock() })
beforeAll(() => rapid.setup(), 60_000)
afterAll(() => rapid.teardown())

const answer = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('survey', 'SURVEY', ' Survey ', 'stop', 'STOP', 'yes', 'NO', 'y', 'm', 'F', 'female', 'Kisumu', 'Ann', '30', '0', '120', '121', '-1', '٣٠', '1e2', '') },
  { weight: 2, arbitrary: junkText },
  { weight: 1, arbitrary: fc.string({ minLength: 90, maxLength: 400 }) },
  { weight: 1, arbitrary: fc.constantFrom('echo hi', 'join Bo', 'lang fr', 'ping', 'hello') },
)
type Step = { kind: 'send'; who: number; text: string } | { kind: 'wait'; by: string }
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('send' as const), who: fc.integer({ min: 0, max: 2 }), text: answer }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), by: fc.constantFrom('1h', '24h', '25h', '73h') }) },
)
/** A conversation that starts the survey, then anything. */
const conversation = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.array(step, { minLength: 3, maxLength: 14 })).map(([who, steps]) => [{ kind: 'send', who, text: 'survey' } as Step, ...steps])

const RUNS = 10
describe('dialogue replies under fuzzing', () => {
  it.prop([conversation], fuzz(RUNS, 400))(
    'any replies in any order: no app raises, every message is answered, saved surveys fit their columns',
    async (steps) => {
      await rapid.reset()
      const errors = rapid.router.stats().appErrors
      for (const s of steps) {
        if (s.kind === 'wait') await rapid.advanceTime(s.by)
        else {
          const replies = await rapid.exchange(`25470000000${s.who}`, s.text, 'message_tester')
          expect(replies.length, `${s.who} > ${JSON.stringify(s.text)}`).toBeGreaterThan(0)
        }
        expect(rapid.router.stats().appErrors, JSON.stringify(s)).toBe(errors)
      }
      for (const saved of await rapid.em().find(SurveyResponse, {})) {
        expect([...saved.name].length).toBeLessThanOrEqual(100)
        expect(saved.age).toBeGreaterThanOrEqual(0)
      }
    },
    fuzzTimeout(RUNS, 400),
  )

  const answerText = fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 95, maxLength: 300 }), junkText)
  it.prop([answerText, answerText, fc.constantFrom('30', '70', '٣٠'), fc.constantFrom('M', 'f', 'male')], fuzz(RUNS, 400))(
    'the whole survey with any name and village: saved when it says so, refused with an answer otherwise',
    async (name, village, age, sex) => {
      await rapid.reset()
      const errors = rapid.router.stats().appErrors
      const who = '254700000009'
      let last: string[] = []
      for (const text of ['survey', name, age, sex, village, 'yes']) {
        const replies = await rapid.exchange(who, text, 'message_tester')
        expect(replies.length, `> ${JSON.stringify(text)}`).toBeGreaterThan(0)
        last = replies.map((r) => r.text)
      }
      expect(rapid.router.stats().appErrors).toBe(errors)
      const saved = await rapid.em().count(SurveyResponse, {})
      if (last.some((t) => t.includes('Your answers are saved'))) expect(saved).toBe(1)
    },
    fuzzTimeout(RUNS, 400),
  )
})
