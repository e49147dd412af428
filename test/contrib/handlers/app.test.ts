import { describe, expect, it } from 'vitest'
import { BaseHandler, DefaultApp, HandlersApp, KeywordHandler, type IncomingMessage, type RouterServices } from '../../../src/index.js'
import { useRapidTest } from '../../../src/testing/index.js'

const offered: string[] = []

function handler(name: string, accepts: (text: string) => boolean) {
  const Handler = class extends BaseHandler {
    static override async dispatch(_router: RouterServices, msg: IncomingMessage) {
      offered.push(name)
      if (!accepts(msg.text)) return false
      msg.respond(name)
      return true
    }
  }
  Object.defineProperty(Handler, 'name', { value: name })
  return Handler
}

const First = handler('first', (text) => text === 'both' || text === 'first')
const Second = handler('second', (text) => text === 'both' || text === 'second')

describe('the handlers app (behaviour 28)', () => {
  const rapid = useRapidTest({ apps: [HandlersApp, DefaultApp], handlers: [First, Second] })

  async function receive(text: string): Promise<IncomingMessage> {
    offered.length = 0
    const [connection] = await rapid.lookupConnections(['1112223333'])
    return rapid.receive(text, connection!)
  }

  it('offers the message to handlers in list order; the first that accepts wins', async () => {
    const msg = await receive('both')
    expect(offered).toEqual(['first'])
    expect(msg.handled).toBe(true)
    expect(rapid.sentMessages.map((m) => m.text)).toEqual(['first'])
  })

  it('goes on to later handlers when earlier ones decline', async () => {
    await receive('second')
    expect(offered).toEqual(['first', 'second'])
    expect(rapid.sentMessages.map((m) => m.text)).toEqual(['second'])
  })

  it('when none accepts, the message is not handled and processing goes on to default', async () => {
    const msg = await receive('neither')
    expect(offered).toEqual(['first', 'second'])
    expect(msg.handled).toBe(false)
    expect(rapid.sentMessages.map((m) => m.text)).toEqual(['Sorry, RapidSMS could not understand your message.'])
  })
})

describe('the handlers setting (behaviour 29)', () => {
  const rapid = useRapidTest({ apps: [HandlersApp, DefaultApp], handlers: [] })

  it('an empty list means no handlers', async () => {
    const [connection] = await rapid.lookupConnections(['1112223333'])
    const msg = await rapid.receive('first', connection!)
    expect(msg.handled).toBe(false)
  })

  it('only handler classes are accepted', async () => {
    const { defineConfig } = await import('../../../src/index.js')
    class NotAHandler {}
    expect(() => defineConfig({ handlers: [NotAHandler] as never })).toThrow(/Invalid setting "handlers.0"/)
    expect(() => defineConfig({ handlers: [First, KeywordHandler] as never })).not.toThrow()
  })
})
