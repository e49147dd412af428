import { fc, it } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { parseScript, runSteps, ScriptSyntaxError, type Reply } from '../../src/testing/index.js'
import { fuzz, fuzzTimeout } from './support/runs.js'

const RUNS = 300
const line = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.tuple(fc.constantFrom('1112223333', ' 1 ', '1@200804150730', '@', '', '#', ' # x'), fc.constantFrom('>', '<', '> <', '<>', ''), fc.string({ maxLength: 20 })).map((p) => p.join(' ')),
  fc.constantFrom('"', '""', '"\\u00"', '"\\ud800"', '"a" "b"', '# section', '#', '\r', '\u2028', '... 24h', '... 1h 30m', '... soon', '...', '! restart', '!', '! startDialogue x 1'),
)
const source = fc.tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r')).map(([lines, eol]) => lines.join(eol))

/** An identity as a script line can hold it, and a text with whatever spaces and quotes. */
const identity = fc.stringMatching(/^[0-9A-Za-z+_-][0-9A-Za-z+_.-]{0,19}$/)
const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('', ' ', '  ping', 'ping  ', '"quoted"', 'a\nb', '#hash', '< >', '\\'))

/** A text written as a script line holds it: as is when nothing would be lost, else as a JSON string. */
function write(text: string): string {
  const plain = text !== '' && text === text.trim() && !text.startsWith('"') && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(text)
  return plain ? text : JSON.stringify(text)
}

describe('conversation scripts (parseScript, runSteps) under fuzzing', () => {
  it.prop([source], fuzz(RUNS, 1))('any source: a script, or a ScriptSyntaxError naming one of its lines', (text) => {
    try {
      const script = parseScript(text)
      for (const step of script.steps) expect(step.identity === '').toBe(step.direction === '...' || step.direction === '!')
    } catch (error) {
      expect(error, String(error)).toBeInstanceOf(ScriptSyntaxError)
      expect((error as ScriptSyntaxError).line).toBeGreaterThanOrEqual(1)
    }
  }, fuzzTimeout(RUNS, 1))

  /** A message sent, time moved on, or a harness command; and the replies each brought. */
  const act = fc.oneof(
    { weight: 4, arbitrary: fc.record({ from: identity, text }).map(({ from, text }) => ({ line: `${from} > ${write(text)}`, step: [from, '>', text] })) },
    { weight: 1, arbitrary: fc.constantFrom('24h', '90m', '1h 30m', '3d').map((d) => ({ line: `... ${d}`, step: ['', '...', d] })) },
    { weight: 1, arbitrary: fc.constantFrom('restart', 'startDialogue survey 1 2').map((c) => ({ line: `! ${c}`, step: ['', '!', c] })) },
  )
  const conversation = fc.array(fc.record({ act, replies: fc.array(fc.record({ to: identity, text }), { maxLength: 3 }) }), { minLength: 1, maxLength: 6 })
  it.prop([conversation, fc.boolean()], fuzz(RUNS, 2))(
    'a conversation written as a script (messages, time, commands) reads back step by step, and passes against the same replies, loose or strict',
    async (messages, strict) => {
      const lines = ['# generated']
      for (const m of messages) {
        lines.push(m.act.line)
        for (const r of m.replies) lines.push(`${r.to} < ${write(r.text)}`)
      }
      const script = parseScript(lines.join('\n'))
      const expected = messages.flatMap((m) => [m.act.step, ...m.replies.map((r) => [r.to, '<', r.text])])
      expect(script.steps.map((s) => [s.identity, s.direction, s.text])).toEqual(expected)
      let next = 0
      const replies = async (): Promise<Reply[]> => messages[next++]!.replies.map((r) => ({ identity: r.to, text: r.text }))
      expect(await runSteps(script, replies, { strict }, { advance: replies, command: replies })).toEqual([])
    },
    fuzzTimeout(RUNS, 2),
  )

  it.prop([source, fc.array(fc.array(fc.record({ identity, text }), { maxLength: 3 }), { maxLength: 12 }), fc.boolean()], fuzz(RUNS, 2))(
    'running any script against any replies reports failures on its own lines, never throws',
    async (text, replies, strict) => {
      let script
      try {
        script = parseScript(text)
      } catch {
        return
      }
      let call = 0
      const next = async () => replies[call++] ?? []
      const failures = await runSteps(script, next, { strict }, { advance: next, command: next })
      const lines = new Set(script.steps.map((s) => s.line))
      for (const failure of failures) expect(lines.has(failure.line)).toBe(true)
    },
    fuzzTimeout(RUNS, 2),
  )
})
