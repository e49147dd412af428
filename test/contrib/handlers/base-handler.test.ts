import { describe, expect, it } from 'vitest'
import { BaseHandler, type RouterServices } from '../../../src/index.js'
import type { IncomingMessage } from '../../../src/index.js'
import { EchoHandler } from '../../../src/contrib/echo/index.js'

// No router runs in this file: test() brings its own in-memory database.

class AlwaysHandler extends BaseHandler {
  static override dispatch(_router: RouterServices, msg: IncomingMessage) {
    msg.respond('xxx')
    msg.respond('yyy')
    return true
  }
}

class NeverHandler extends BaseHandler {}

class SilentHandler extends BaseHandler {
  static override dispatch() {
    return true
  }
}

class IdentityHandler extends BaseHandler {
  static override async dispatch(router: RouterServices, msg: IncomingMessage) {
    msg.respond(`${msg.connections[0]!.identity} via ${msg.connections[0]!.backend.name} in ${router.settings.projectName}`)
    return true
  }
}

describe('BaseHandler.test(text, identity?) without a running router', () => {
  it('returns the reply texts in order', async () => {
    expect(await AlwaysHandler.test('anything')).toEqual(['xxx', 'yyy'])
  })

  it('returns false when the handler ignored the message (behaviour 36)', async () => {
    expect(await NeverHandler.test('anything')).toBe(false)
    expect(await EchoHandler.test('not applicable')).toBe(false)
  })

  it('returns an empty list when the handler took the message but said nothing', async () => {
    expect(await SilentHandler.test('anything')).toEqual([])
  })

  it('sends as "mock" on a backend of the handler\'s own, unless told the identity', async () => {
    expect(await IdentityHandler.test('x')).toEqual([expect.stringMatching(/^mock via mock_\d+ in RapidSMS$/)])
    expect(await IdentityHandler.test('x', '5551234')).toEqual([expect.stringMatching(/^5551234 via mock_\d+/)])
  })

  it('works for a handler that writes to the database', async () => {
    const { RegisterHandler } = await import('../../../src/contrib/registration/index.js')
    expect(await RegisterHandler.test('join Adam Mckaig')).toEqual(['Thank you for registering, Adam Mckaig!'])
  })
})
