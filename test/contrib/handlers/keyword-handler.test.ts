import { NotFoundError } from '@mikro-orm/core'
import { describe, expect, it } from 'vitest'
import { HandlerError, KeywordHandler, ObjectDoesNotExist } from '../../../src/contrib/handlers/index.js'
import { Contact, ErrorMessage, HandlersApp } from '../../../src/index.js'
import { useRapidTest } from '../../../src/testing/index.js'

class HelloHandler extends KeywordHandler {
  static override keyword = 'hello'
  help() {
    this.respond('help')
  }
  handle(text: string) {
    this.respond(`handle:${text}`)
  }
}

class AlternationHandler extends HelloHandler {
  static override keyword = 'reg|register'
}

class NoKeywordHandler extends KeywordHandler {
  help() {}
  handle() {}
}

class LookupHandler extends KeywordHandler {
  static override keyword = 'find|orm|number|boom'
  help() {}
  async handle(text: string) {
    if (this.msg.text.startsWith('find')) await this.get(Contact, { name: text })
    if (this.msg.text.startsWith('orm')) await this.em.findOneOrFail(Contact, { name: text })
    if (this.msg.text.startsWith('number')) this.respond(`${this.int(text) + 1}`)
    if (this.msg.text.startsWith('boom')) throw new RangeError(text)
  }
}

/** Like LookupHandler's number and boom, answered without waiting for anything. */
class SyncHandler extends KeywordHandler {
  static override keyword = 'add|crash'
  help() {}
  handle(text: string) {
    if (this.msg.text.startsWith('crash')) throw new RangeError(text)
    this.respond(`${this.int(text) + 1}`)
  }
}

const rapid = useRapidTest({ apps: [HandlersApp], handlers: [HelloHandler, LookupHandler] })

describe('KeywordHandler matching (behaviour 30)', () => {
  it.each([
    ['hello world', 'handle:world'],
    ['HeLlO World', 'handle:World'],
    ['hello            world', 'handle:world'],
    ['hello world     ', 'handle:world     '],
    ['    hello world', 'handle:world'],
    ['hello,world', 'handle:world'],
    ['hello:world', 'handle:world'],
    ['hello;world', 'handle:world'],
    ['hello;,:,:world', 'handle:world'],
    ['hello', 'help'],
    ['hello ', 'help'],
    ['hello      ', 'help'],
    ['hello,', 'help'],
    ['hello,,', 'help'],
    ['hello:', 'help'],
    ['hello::', 'help'],
    ['hello;;', 'help'],
    ['hello,;:', 'help'],
    ['hello\t\n', 'help'],
    ['hello x , : ; sdf    ,:   ', 'handle:x , : ; sdf    ,:   '],
    ['hello x \n y \n z', 'handle:x \n y \n z'],
    ['hello \n x y z', 'handle:x y z'],
    ['helloworld', 'handle:world'],
  ])('%j -> %j', async (text, reply) => {
    expect(await HelloHandler.test(text)).toEqual([reply])
  })

  it.each([
    ['hello\x1cworld', 'handle:world'],
    ['hello\x85world', 'handle:world'],
    ['\u3000hello\u2003world', 'handle:world'],
    ['hello \ufeff', 'handle:\ufeff'],
    ['hello\ufeffworld', 'handle:\ufeffworld'],
    ['\u017fay hello', 'help'],
  ])('whitespace and case are Python\'s: %j -> %j', async (text, reply) => {
    class SayHandler extends HelloHandler {
      static override keyword = 'say hello'
    }
    const Handler = text.startsWith('\u017f') ? SayHandler : HelloHandler
    expect(await Handler.test(text)).toEqual([reply])
  })

  it.each(['no match', ' no hello', 'hell o', '', '\ufeffhello world'])('%j is not accepted and gets no reply', async (text) => {
    expect(await HelloHandler.test(text)).toBe(false)
  })

  it('the same rules hold through the handlers app', async () => {
    const [connection] = await rapid.lookupConnections(['1112223333'])
    const msg = await rapid.receive('  HELLO,: there ', connection!)
    expect(msg.handled).toBe(true)
    expect(rapid.sentMessages.map((m) => m.text)).toEqual(['handle:there '])
  })
})

describe('keyword alternation (behaviour 32)', () => {
  it('alternatives are tried left to right', async () => {
    expect(await AlternationHandler.test('register me')).toEqual(['handle:ister me'])
    expect(await AlternationHandler.test('REG me')).toEqual(['handle:me'])
  })
})

describe('a KeywordHandler without a keyword (behaviour 33)', () => {
  it('raises a HandlerError on dispatch', async () => {
    await expect(NoKeywordHandler.test('anything')).rejects.toThrow(HandlerError)
    await expect(NoKeywordHandler.test('anything')).rejects.toThrow('KeywordHandler must define a keyword.')
  })
})

describe('errors raised by handle (behaviour 34)', () => {
  it('a lookup that found nothing replies with its message, as an error', async () => {
    expect(await LookupHandler.test('find nobody')).toEqual(['Contact matching query does not exist.'])
    const [connection] = await rapid.lookupConnections(['1112223333'])
    await rapid.receive('find nobody', connection!)
    expect(rapid.outbound).toHaveLength(1)
    expect(rapid.outbound[0]).toBeInstanceOf(ErrorMessage)
    expect(rapid.outbound[0]!.text).toBe('Contact matching query does not exist.')
  })

  it('the ORM not-found error is answered the same way', async () => {
    const replies = await LookupHandler.test('orm nobody')
    expect(replies).toHaveLength(1)
    expect(replies && replies[0]).toBe(new NotFoundError(`Contact not found ({ name: 'nobody' })`).message)
  })

  it('a bad number replies "Not a valid number: X"', async () => {
    expect(await LookupHandler.test('number abc')).toEqual(['Not a valid number: abc'])
    expect(await LookupHandler.test('number 1.5')).toEqual(['Not a valid number: 1.5'])
    expect(await LookupHandler.test('number  41 ')).toEqual(['42'])
  })

  it('numbers are read as Python reads them: digits of any script, underscores between digits', async () => {
    expect(await LookupHandler.test('number ٤١')).toEqual(['42'])
    expect(await LookupHandler.test('number ۱۲۳')).toEqual(['124'])
    expect(await LookupHandler.test('number ४१')).toEqual(['42'])
    expect(await LookupHandler.test('number ４１')).toEqual(['42'])
    expect(await LookupHandler.test('number 1_000')).toEqual(['1001'])
    expect(await LookupHandler.test('number -٣')).toEqual(['-2'])
    expect(await LookupHandler.test('number 1__0')).toEqual(['Not a valid number: 1__0'])
    expect(await LookupHandler.test('number ٤a')).toEqual(['Not a valid number: ٤a'])
  })

  it('a number too large for a JavaScript number is not a valid number (not Infinity)', async () => {
    expect(await LookupHandler.test(`number ${'9'.repeat(308)}`)).toEqual([String(Number('9'.repeat(308)) + 1)])
    expect(await LookupHandler.test(`number ${'9'.repeat(309)}`)).toEqual([`Not a valid number: ${'9'.repeat(309)}`])
  })

  it('a number Python would quote with double quotes is not answered: its error propagates, as in RapidSMS', async () => {
    // Python's own message: the text as repr() writes it.
    await expect(LookupHandler.test("number it's")).rejects.toThrow(`invalid literal for int() with base 10: "it's"`)
    // A text with both quotes is written in single quotes, its own escaped, and answered so.
    expect(await LookupHandler.test(`number "it's"`)).toEqual([`Not a valid number: "it\\'s"`])
    expect(await LookupHandler.test('number a\nb')).toEqual(['Not a valid number: a\\nb'])
  })

  it('other errors propagate', async () => {
    await expect(LookupHandler.test('boom now')).rejects.toThrow(RangeError)
  })

  it('the same holds for a handle that does not wait for anything', async () => {
    expect(await SyncHandler.test('add 41')).toEqual(['42'])
    expect(await SyncHandler.test('add abc')).toEqual(['Not a valid number: abc'])
    await expect(SyncHandler.test('crash now')).rejects.toThrow(RangeError)
  })

  it('ObjectDoesNotExist is exported for handlers to throw', () => {
    expect(new ObjectDoesNotExist('x')).toBeInstanceOf(Error)
  })
})
