import { describe, expect, it } from 'vitest'
import { PYTHON_STR_MAX_DEPTH, pythonStr, pythonStrip } from '../../src/core/python.js'

describe('pythonStrip', () => {
  it.each([
    ['  hi  ', 'hi'],
    ['\u3000\u001chi\u0085', 'hi'],
    ['\ufeffhi\ufeff', '\ufeffhi\ufeff'],
    [' \t\n ', ''],
    ['', ''],
    ['a  b', 'a  b'],
  ])('strips %j to %j as str.strip() does', (text, stripped) => {
    expect(pythonStrip(text)).toBe(stripped)
  })

  it('keeps a long run of spaces inside the text, and does not backtrack over it (a million spaces in a form field once hung the edge)', () => {
    const inner = ' '.repeat(1_000_000)
    expect(pythonStrip(` a${inner}a `)).toBe(`a${inner}a`)
  })
})

describe('pythonStr', () => {
  it('writes JSON values as Python str() does', () => {
    expect(pythonStr({ a: [true, null, 'x'] })).toBe("{'a': [True, None, 'x']}")
  })

  it(`refuses values nested more than ${PYTHON_STR_MAX_DEPTH} levels deep with a RangeError of its own, not a stack overflow`, () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown
    expect(() => pythonStr(deep)).toThrow(`value nested more than ${PYTHON_STR_MAX_DEPTH} levels deep`)
    const edge = JSON.parse(`${'['.repeat(PYTHON_STR_MAX_DEPTH)}1${']'.repeat(PYTHON_STR_MAX_DEPTH)}`) as unknown
    expect(pythonStr(edge)).toBe(`${'['.repeat(PYTHON_STR_MAX_DEPTH)}1${']'.repeat(PYTHON_STR_MAX_DEPTH)}`)
  })
})
