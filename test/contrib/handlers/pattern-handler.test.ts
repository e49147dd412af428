import { describe, expect, it } from 'vitest'
import { HandlerError, PatternHandler } from '../../../src/contrib/handlers/index.js'
import { HandlersApp } from '../../../src/index.js'
import { useRapidTest } from '../../../src/testing/index.js'

class SumHandler extends PatternHandler {
  static override pattern = String.raw`^(\d+) plus (\d+)$`
  handle(a?: string, b?: string) {
    this.respond(`${a}+${b} = ${this.int(a!) + this.int(b!)}`)
  }
}

class OptionalGroupHandler extends PatternHandler {
  static override pattern = /go( fast)?/
  handle(fast?: string) {
    this.respond(fast === undefined ? 'slow' : 'fast')
  }
}

class NoPatternHandler extends PatternHandler {
  handle() {}
}

useRapidTest({ apps: [HandlersApp], handlers: [SumHandler] })

describe('PatternHandler (behaviour 35)', () => {
  it.each([
    ['1 plus 2', ['1+2 = 3']],
    ['1 PLUS 2', ['1+2 = 3']],
    ['  1 plus 2', false],
    ['1 plus 2  ', false],
    ['1    plus 2', false],
    ['no match', false],
    ['x 1 plus 2', false],
  ])('%j -> %j', async (text, replies) => {
    expect(await SumHandler.test(text)).toEqual(replies)
  })

  it('is matched at the start only: the end is free unless the pattern anchors it', async () => {
    expect(await OptionalGroupHandler.test('go fast please')).toEqual(['fast'])
    expect(await OptionalGroupHandler.test('GO')).toEqual(['slow'])
    expect(await OptionalGroupHandler.test('let us go')).toBe(false)
  })

  it('like Python, $ also matches before a final newline', async () => {
    expect(await SumHandler.test('1 plus 2\n')).toEqual(['1+2 = 3'])
    expect(await SumHandler.test('1 plus 2\n\n')).toBe(false)
  })

  it('without a pattern raises a HandlerError on dispatch', async () => {
    await expect(NoPatternHandler.test('anything')).rejects.toThrow(new HandlerError('PatternHandler must define a pattern.'))
  })
})
