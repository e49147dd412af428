import { describe, expect, it } from 'vitest'
import { AppBase, ConfigError, DefaultApp, ErrorMessage, Host, type IncomingMessage } from '../../../src/index.js'
import { RapidTest, useRapidTest } from '../../../src/testing/index.js'

class Handles extends AppBase {
  override handle(msg: IncomingMessage) {
    if (msg.text !== 'mine') return false
    msg.respond('handled')
    return true
  }
}

let laterDefaults = 0
class After extends AppBase {
  override default() {
    laterDefaults++
  }
}

async function replies(rapid: RapidTest, text: string) {
  const [connection] = await rapid.lookupConnections(['1112223333'])
  await rapid.receive(text, connection!)
  return rapid.sentMessages.map((m) => m.text)
}

describe('the stock default response (behaviour 40)', () => {
  const rapid = useRapidTest({ apps: [Handles, DefaultApp, After] })

  it('replies "Sorry, RapidSMS could not understand your message." as an error message', async () => {
    expect(await replies(rapid, 'what?')).toEqual(['Sorry, RapidSMS could not understand your message.'])
    expect(rapid.outbound[0]).toBeInstanceOf(ErrorMessage)
  })

  it('does not reply when another app handled the message (behaviour 42)', async () => {
    expect(await replies(rapid, 'mine')).toEqual(['handled'])
  })

  it('never returns true, so apps after it get their default phase (behaviour 43)', async () => {
    laterDefaults = 0
    await replies(rapid, 'what?')
    expect(laterDefaults).toBe(1)
  })
})

describe('DEFAULT_RESPONSE settings (behaviour 41)', () => {
  it.each([
    [{ defaultResponse: null }, []],
    [{ defaultResponse: 'hello' }, ['hello']],
    [{ defaultResponse: 'hello %(project_name)s', projectName: 'world' }, ['hello world']],
    [{ defaultResponse: '' }, ['']],
    [{ defaultResponse: '100%% sure, %(project_name)s', projectName: 'Clinic' }, ['100% sure, Clinic']],
    [{ projectName: 'Clinic' }, ['Sorry, Clinic could not understand your message.']],
  ])('%j -> %j', async (settings, expected) => {
    const rapid = new RapidTest({ settings, apps: [DefaultApp] })
    await rapid.setup()
    try {
      expect(await replies(rapid, 'anything')).toEqual(expected)
    } finally {
      await rapid.teardown()
    }
  })

  it('a response Python could not format stops startup with a message naming the setting', async () => {
    await expect(Host.start({ apps: [DefaultApp], defaultResponse: 'hello %', databaseUrl: 'sqlite::memory:' })).rejects.toThrow(ConfigError)
    await expect(Host.start({ apps: [DefaultApp], defaultResponse: 'hello %(name)s', databaseUrl: 'sqlite::memory:' })).rejects.toThrow(
      /Invalid setting "defaultResponse": .*needs a value named "name"/,
    )
  })
})
