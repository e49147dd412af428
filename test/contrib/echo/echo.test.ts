import { describe, expect, it } from 'vitest'
import { EchoHandler, PingHandler } from '../../../src/contrib/echo/index.js'
import { DefaultApp, HandlersApp } from '../../../src/index.js'
import { useRapidTest } from '../../../src/testing/index.js'

const rapid = useRapidTest({ apps: [HandlersApp, DefaultApp], handlers: [EchoHandler, PingHandler] })
const SORRY = 'Sorry, RapidSMS could not understand your message.'

async function replies(text: string): Promise<string[]> {
  const before = rapid.sentMessages.length
  const [connection] = await rapid.lookupConnections(['1112223333'])
  await rapid.receive(text, connection!)
  return rapid.sentMessages.slice(before).map((m) => m.text)
}

describe('EchoHandler (behaviour 37)', () => {
  it.each([
    ['echo hello', 'hello'],
    ['EcHo hello', 'hello'],
    ['  echo hello', 'hello'],
    ['echo hello  ', 'hello  '],
    ['echo     hello', 'hello'],
    ['echo', 'To echo some text, send: ECHO <ANYTHING>'],
    ['echo  ', 'To echo some text, send: ECHO <ANYTHING>'],
    ['echohello', 'hello'],
  ])('%j -> %j', async (text, reply) => {
    expect(await EchoHandler.test(text)).toEqual([reply])
    expect(await replies(text)).toEqual([reply])
  })

  it('"no match" is not handled', async () => {
    expect(await EchoHandler.test('no match')).toBe(false)
    expect(await replies('no match')).toEqual([SORRY])
  })
})

describe('PingHandler (behaviour 38)', () => {
  it('"ping" -> "pong"', async () => {
    expect(await PingHandler.test('ping')).toEqual(['pong'])
    expect(await replies('ping')).toEqual(['pong'])
  })

  it.each(['PiNg', '   ping', 'ping   ', 'no match'])('%j is not handled and falls through to the default reply', async (text) => {
    expect(await PingHandler.test(text)).toBe(false)
    expect(await replies(text)).toEqual([SORRY])
  })
})
