import { fc, it } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { HelpHandler, SumHandler } from '../../examples/tutorial/myhandlers.js'
import { ResultsHandler, VoteHandler } from '../../examples/tutorial/voting/handlers.js'
import { contentTypeCharset, decodeForm, decodeFormBytes, isUrlencoded } from '../../src/backends/http/form.js'
import { parseDateTime } from '../../src/backends/kannel/delivery-report.js'
import { pythonStrip } from '../../src/core/python.js'
import { EchoHandler } from '../../src/contrib/echo/index.js'
import { parseInteger } from '../../src/contrib/handlers/errors.js'
import { PatternHandler } from '../../src/contrib/handlers/index.js'
import { LanguageHandler, RegisterHandler } from '../../src/contrib/registration/index.js'
import { pythonFormat } from '../../src/contrib/translation/index.js'
import { parseScript } from '../../src/testing/index.js'
import { withinBudget } from './support/budget.js'
import { fuzz, fuzzTimeout } from './support/runs.js'

/**
 * The framework's own regular expressions (and the text scanners beside them) on long
 * adversarial inputs: runs of the characters each one cares about, ended by a character that
 * makes the match fail late. None may backtrack catastrophically.
 */
function adversarial(alphabet: string[], endings: string[] = ['', 'x', '!', '\u0000', '\n', ' x', '&', '%']): fc.Arbitrary<string> {
  return fc
    .record({
      prefix: fc.constantFrom('', ...alphabet),
      unit: fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 4 }),
      length: fc.integer({ min: 5_000, max: 60_000 }),
      end: fc.constantFrom(...endings),
    })
    .map(({ prefix, unit, length, end }) => {
      const piece = unit.join('')
      return prefix + piece.repeat(Math.ceil(length / piece.length)).slice(0, length) + end
    })
}

const SPACES = [' ', '\t', '\n', '\u3000', '\u0085', '\u00a0', '\u001f']
const SEPARATORS = [...SPACES, ',', ';', ':']
const RUNS = 40

describe('regular expressions under adversarial input: no catastrophic backtracking', () => {
  const keywordHandlers = [EchoHandler, RegisterHandler, LanguageHandler, HelpHandler, ResultsHandler, VoteHandler]
  it.prop([fc.constantFrom(...keywordHandlers), adversarial([...SEPARATORS, 'e', 'echo', 'reg', 'join', 'lang', 'language', 'help', 'vote', 'results', 'x', 'é'])], fuzz(RUNS, 30, 0.1))(
    'keyword matching (KeywordHandler)',
    (Handler, text) => {
      withinBudget(`${Handler.name}.regex()`, text, () => Handler.regex().exec(text))
    },
    fuzzTimeout(RUNS, 30, 0.1),
  )

  class WordsHandler extends PatternHandler {
    static override pattern = String.raw`^(\w+)\s+(\w+)\s*$`
    handle() {}
  }
  it.prop([fc.constantFrom(SumHandler, WordsHandler), adversarial(['1', '12', ' ', ' plus ', 'plus', 'a', '_', '\n', 'x'])], fuzz(RUNS, 30, 0.1))(
    'pattern matching (PatternHandler, with the Python $ before a final newline)',
    (Handler, text) => {
      withinBudget(`${Handler.name}.matchText()`, text, () => Handler.matchText(text))
    },
    fuzzTimeout(RUNS, 30, 0.1),
  )

  it.prop([adversarial(['%', '%2', '%25', '+', '&', '=', 'a', '%zz', '%C3%A9', '%e9', ';', ' ']), fc.constantFrom(undefined, 'utf-8', 'iso-8859-1', 'windows-1252', 'UTF-16BE')], fuzz(RUNS, 30, 0.1))(
    'form decoding (query strings and urlencoded bodies, in any charset)',
    (raw, charset) => {
      withinBudget('decodeForm', raw, () => decodeForm(raw, charset))
      withinBudget('decodeFormBytes', raw, () => decodeFormBytes(raw))
    },
    fuzzTimeout(RUNS, 30, 0.1),
  )

  it.prop([adversarial([';', ' ', 'charset', '=', '"', 'charset=', '; charset', 'a', '/', 'application/x-www-form-urlencoded'])], fuzz(RUNS, 30, 0.1))(
    'Content-Type parameters',
    (header) => {
      withinBudget('contentTypeCharset', header, () => contentTypeCharset(header))
      withinBudget('isUrlencoded', header, () => isUrlencoded(header))
    },
    fuzzTimeout(RUNS, 30, 0.1),
  )

  it.prop([adversarial(['2026-11-27', '1', '0', ' ', ':', '-', 'T', '.', '+', '/', '10:59:25', 'Z'], ['', 'x', '+25:99', ' ', 'Z'])], fuzz(RUNS, 30, 0.1))(
    "Kannel's delivery-report dates",
    (text) => {
      const date = withinBudget('parseDateTime', text, () => parseDateTime(text))
      expect(date === undefined || (date instanceof Date && !Number.isNaN(date.getTime()))).toBe(true)
    },
    fuzzTimeout(RUNS, 30, 0.1),
  )

  it.prop([adversarial([...SPACES, 'a', '1', '_', '-', '+', '٤'])], fuzz(RUNS, 30, 0.1))(
    "Python's strip() and int()",
    (text) => {
      withinBudget('pythonStrip', text, () => pythonStrip(text))
      withinBudget('parseInteger', text, () => parseInteger(text))
    },
    fuzzTimeout(RUNS, 30, 0.1),
  )

  it.prop([adversarial(['%', '%(', '(', ')', '%%', 'a', '0', '.', '-', '#', ' ', '%(a)', 's'])], fuzz(RUNS, 30, 0.1))(
    "Python's % formatting",
    (template) => {
      withinBudget('pythonFormat', template, () => pythonFormat(template, { a: 'x' }))
    },
    fuzzTimeout(RUNS, 30, 0.1),
  )

  it.prop([adversarial(['1 > ', '<', '>', '#', ' ', '\n', '\r\n', '@', '"', 'a'])], fuzz(RUNS, 30, 0.1))(
    'conversation scripts',
    (source) => {
      withinBudget('parseScript', source, () => parseScript(source))
    },
    fuzzTimeout(RUNS, 30, 0.1),
  )
})
