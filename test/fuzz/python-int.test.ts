import { fc, it } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { NotANumber, parseInteger } from '../../src/contrib/handlers/errors.js'
import { BaseHandler } from '../../src/contrib/handlers/index.js'
import { fuzz, fuzzTimeout } from './support/runs.js'

/** The zero of some scripts' decimal digits (Python's int() reads them all). */
const ZEROS = [0x30, 0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0xff10, 0x1d7ce, 0x1d7ec]
const SPACES = ['', ' ', '\t', '\n', '\u3000', '\u0085', '\u00a0', '\u001f']
const RUNS = 500
const int = (text: string) => BaseHandler.prototype.int.call(undefined as never, text)

describe("Python's int() (BaseHandler.int, parseInteger) under fuzzing", () => {
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.array(fc.constantFrom('1', '٤', '_', '-', '+', ' ', '0', 'x', '.', 'e', '9', '\u0000', '１'), { maxLength: 20 }).map((p) => p.join('')),
    fc.integer({ min: 300, max: 400 }).map((n) => '9'.repeat(n)),
  )
  it.prop([text], fuzz(RUNS, 1))('any text: a finite whole number, or NotANumber (whose answer can always be read)', (input) => {
    try {
      const n = int(input)
      expect(Number.isInteger(n), `${JSON.stringify(input)} -> ${n}`).toBe(true)
    } catch (error) {
      expect(error).toBeInstanceOf(NotANumber)
      expect(() => (error as NotANumber).answerable).not.toThrow()
    }
  }, fuzzTimeout(RUNS, 1))

  const written = fc
    .record({
      n: fc.maxSafeInteger(),
      sign: fc.constantFrom('', '+'),
      scripts: fc.array(fc.constantFrom(...ZEROS), { minLength: 1, maxLength: 3 }),
      underscores: fc.array(fc.boolean(), { maxLength: 20 }),
      before: fc.constantFrom(...SPACES),
      after: fc.constantFrom(...SPACES),
    })
    .map(({ n, sign, scripts, underscores, before, after }) => {
      const digits = [...String(Math.abs(n))].map((d, i) => String.fromCodePoint(scripts[i % scripts.length]! + Number(d)))
      const body = digits.map((d, i) => (i > 0 && underscores[i] ? `_${d}` : d)).join('')
      return { n, text: `${before}${n < 0 ? '-' : sign}${body}${after}` }
    })
  it.prop([written], fuzz(RUNS, 1))('a whole number written as Python reads it (sign, spaces, underscores, any script) is that number', ({ n, text }) => {
    expect(parseInteger(text)).toBe(n)
  }, fuzzTimeout(RUNS, 1))
})
