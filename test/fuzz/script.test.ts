import { fc, it } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { parseScript, runSteps, ScriptSyntaxError, type Reply } from '../../src/testing/index.js'
import { fuzz, fuzzTimeout } from './support/runs.js'

const RUNS = 300
const line = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.tuple(fc.constantFrom('1112223333', ' 1 ', '1@200804150730', '@', '', '#', ' # x'), fc.constantFrom('>', '<', '> <', '<>', ''), fc.string({ maxLength: 20 })).map((p) => p.join(' ')),
  fc.constantFrom('"', '""', '"\\u00"', '"\\ud800"', '"a" "b"', '# section', '#', '\r', '\u2028'),
)
const source = fc.tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r')).map(([lines, eol]) => lines.join(eol))

/** An identity as a script line can hold it, and a text with whatever spaces and quotes. */
const identity = fc.stringMatching(/^[0-9A-Za-z+_.-]{1,20}$/)
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
      for (const step of script.steps) expect(step.identity).not.toBe('')
    } catch (error) {
      expect(error, String(error)).toBeInstanceOf(ScriptSyntaxError)
      expect((error as ScriptSyntaxError).line).toBeGreaterThanOrEqual(1)
    }
  }, fuzzTimeout(RUNS, 1))

  const conversation = fc.array(fc.record({ from: identity, text, replies: fc.array(fc.record({ to: identity, text }), { maxLength: 3 }) }), { minLength: 1, maxLength: 6 })
  it.prop([conversation, fc.boolean()], fuzz(RUNS, 2))(
    'a conversation written as a script reads back step by step, and passes against the same replies, loose or strict',
    async (messages, strict) => {
      const lines = ['# generated']
      for (const m of messages) {
        lines.push(`${m.from} > ${write(m.text)}`)
        for (const r of m.replies) lines.push(`${r.to} < ${write(r.text)}`)
      }
      const script = parseScript(lines.join('\n'))
      const expected = messages.flatMap((m) => [[m.from, '>', m.text], ...m.replies.map((r) => [r.to, '<', r.text])])
      expect(script.steps.map((s) => [s.identity, s.direction, s.text])).toEqual(expected)
      let next = 0
      const send = async (): Promise<Reply[]> => messages[next++]!.replies.map((r) => ({ identity: r.to, text: r.text }))
      expect(await runSteps(script, send, { strict })).toEqual([])
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
      const failures = await runSteps(script, async () => replies[call++] ?? [], { strict })
      const lines = new Set(script.steps.map((s) => s.line))
      for (const failure of failures) expect(lines.has(failure.line)).toBe(true)
    },
    fuzzTimeout(RUNS, 2),
  )
})
