import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BackendBase, ErrorMessage, type IncomingMessage, type ResponseContext } from '../../src/index.js'
import { RapidTest } from '../../src/testing/index.js'
import { useRapidTest } from '../../src/testing/vitest.js'
import { captureLogs } from '../support/logs.js'
import { calls, phaseCalls, recordingApp } from '../support/recording-apps.js'

beforeEach(() => {
  calls.length = 0
})

/** One turn of the event loop: an app that awaits it answers asynchronously. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

async function receive(rapid: RapidTest, text: string): Promise<IncomingMessage> {
  const [connection] = await rapid.lookupConnections(['1112223333'])
  return rapid.receive(text, connection!)
}

describe('phases run in order, apps in installed order (11)', () => {
  const rapid = useRapidTest({ apps: [recordingApp('a'), recordingApp('b'), recordingApp('c')] })

  it('an unhandled message visits every app in every phase, phase by phase', async () => {
    const msg = await receive(rapid, 'hello')
    const incoming = calls.filter((c) => !c.includes('.outgoing'))
    expect(incoming).toEqual(
      ['filter', 'parse', 'handle', 'default', 'cleanup'].flatMap((phase) => ['a', 'b', 'c'].map((app) => `${app}.${phase}:hello`)),
    )
    expect(msg.handled).toBe(false)
    expect(msg.processed).toBe(true)
  })
})

describe('filter (12)', () => {
  const rapid = useRapidTest({
    apps: [
      recordingApp('a'),
      recordingApp('spam', { filter: (msg) => (msg.respond('go away'), true) }),
      recordingApp('c'),
    ],
  })

  it('an app returning true stops everything, cleanup included, for every app', async () => {
    const msg = await receive(rapid, 'buy now')
    expect(calls.filter((c) => !c.includes('.outgoing'))).toEqual(['a.filter:buy now', 'spam.filter:buy now'])
    expect(msg.handled).toBe(false)
  })

  it('replies queued before the stop are still sent', async () => {
    await receive(rapid, 'buy now')
    expect(rapid.sentMessages.map((m) => [m.identities, m.text])).toEqual([[['1112223333'], 'go away']])
  })
})

describe('filter with a truthy value that is not true', () => {
  const rapid = useRapidTest({ apps: [recordingApp('a', { filter: () => 'yes' }), recordingApp('b')] })

  it('does not stop processing', async () => {
    await receive(rapid, 'x')
    expect(phaseCalls('cleanup')).toEqual(['a', 'b'])
  })
})

describe('parse (13)', () => {
  const rapid = useRapidTest({
    apps: [recordingApp('a', { parse: (msg) => ((msg.text = msg.text.toUpperCase()), true) }), recordingApp('b')],
  })

  it('runs for every app and its return value is ignored; raw text stays as received', async () => {
    const msg = await receive(rapid, 'shout')
    expect(phaseCalls('parse')).toEqual(['a', 'b'])
    expect(calls).toContain('b.parse:SHOUT')
    expect(msg.text).toBe('SHOUT')
    expect(msg.rawText).toBe('shout')
    expect(phaseCalls('handle')).toEqual(['a', 'b'])
  })
})

describe('handle (14) and what follows a handled message (15, deliberate difference)', () => {
  const rapid = useRapidTest({
    apps: [
      recordingApp('truthy', { handle: () => 'a string' }),
      recordingApp('handler', { handle: (msg) => (msg.text === 'mine' ? (msg.respond('done'), true) : false) }),
      recordingApp('late'),
    ],
  })

  it('apps are called until one returns exactly true; later apps are skipped', async () => {
    const msg = await receive(rapid, 'mine')
    expect(phaseCalls('handle')).toEqual(['truthy', 'handler'])
    expect(msg.handled).toBe(true)
  })

  it('a truthy value other than true neither stops the phase nor marks the message handled', async () => {
    const msg = await receive(rapid, 'other')
    expect(phaseCalls('handle')).toEqual(['truthy', 'handler', 'late'])
    expect(msg.handled).toBe(false)
  })

  it('a handled message skips default but cleanup runs for every app', async () => {
    await receive(rapid, 'mine')
    expect(phaseCalls('default')).toEqual([])
    expect(phaseCalls('cleanup')).toEqual(['truthy', 'handler', 'late'])
  })
})

describe('an app marking the message handled itself (16)', () => {
  const rapid = useRapidTest({
    apps: [
      recordingApp('marker', { handle: (msg) => ((msg.handled = true), false) }),
      recordingApp('next'),
      recordingApp('fallback', { default: (msg) => (msg.respond('fallback'), true) }),
    ],
  })

  it('later apps still get handle, but default is skipped; cleanup runs and nothing is sent', async () => {
    const msg = await receive(rapid, 'quiet')
    expect(phaseCalls('handle')).toEqual(['marker', 'next', 'fallback'])
    expect(phaseCalls('default')).toEqual([])
    expect(phaseCalls('cleanup')).toEqual(['marker', 'next', 'fallback'])
    expect(msg.handled).toBe(true)
    expect(rapid.sentMessages).toEqual([])
  })
})

describe('default (16) and cleanup (17)', () => {
  const rapid = useRapidTest({
    apps: [
      recordingApp('first'),
      recordingApp('fallback', { default: (msg) => (msg.respond('fallback'), true) }),
      recordingApp('never'),
    ],
  })

  it('runs only for unhandled messages, until an app returns exactly true; cleanup still runs', async () => {
    await receive(rapid, 'unknown')
    expect(phaseCalls('default')).toEqual(['first', 'fallback'])
    expect(phaseCalls('cleanup')).toEqual(['first', 'fallback', 'never'])
    expect(rapid.sentMessages.map((m) => m.text)).toEqual(['fallback'])
  })
})

describe('replies (18) and respond/error (4, 5)', () => {
  // What respond() returned inside the app, checked after receive(): an assertion failing
  // inside an app would be caught by the app actor as the app's error, not fail the test.
  let returned: ResponseContext | undefined
  const rapid = useRapidTest({
    apps: [
      recordingApp('a', {
        handle: (msg) => {
          returned = msg.respond('one')
          msg.error('two')
          msg.respond('three')
          return true
        },
      }),
      recordingApp('b', { cleanup: (msg) => msg.respond('four') }),
    ],
  })

  it('are sent after all phases, in the order queued, each through the outgoing phase', async () => {
    const appErrors = rapid.router.stats().appErrors
    const msg = await receive(rapid, 'go')
    expect(rapid.router.stats().appErrors).toBe(appErrors)
    expect(returned).toMatchObject({ text: 'one', connections: msg.connections, inResponseTo: msg })
    expect(msg.responses.map((r) => r.text)).toEqual(['one', 'two', 'three', 'four'])
    const lastIncoming = calls.indexOf('b.cleanup:go')
    const firstOutgoing = calls.findIndex((c) => c.includes('.outgoing'))
    expect(firstOutgoing).toBeGreaterThan(lastIncoming)
    expect(calls.filter((c) => c.includes('.outgoing'))).toEqual(
      ['one', 'two', 'three', 'four'].flatMap((text) => [`b.outgoing:${text}`, `a.outgoing:${text}`]),
    )
    expect(rapid.sentMessages.map((m) => m.text)).toEqual(['one', 'two', 'three', 'four'])
    expect(rapid.outbound.map((m) => m.constructor)).toEqual([
      rapid.outbound[0]!.constructor,
      ErrorMessage,
      rapid.outbound[0]!.constructor,
      rapid.outbound[0]!.constructor,
    ])
    expect(rapid.outbound[1]).toBeInstanceOf(ErrorMessage)
    expect(rapid.outbound[0]).not.toBeInstanceOf(ErrorMessage)
  })

  it('nothing is sent at the time of respond()', async () => {
    let sentDuringHandle = -1
    const probe = new RapidTest({
      apps: [recordingApp('p', { handle: (msg) => (msg.respond('later'), (sentDuringHandle = probe.sentMessages.length), true) })],
    })
    await probe.setup()
    try {
      const [connection] = await probe.lookupConnections(['5'])
      await probe.receive('x', connection!)
      expect(sentDuringHandle).toBe(0)
      expect(probe.sentMessages.map((m) => m.text)).toEqual(['later'])
    } finally {
      await probe.teardown()
    }
  })
})

/**
 * A gateway that takes a while to answer, longer for some texts (event-loop turns, not
 * time): it records each message when its request would arrive, after that delay, and how
 * many sends it had in flight at once. `one` is the slowest: it waits until another send
 * has started (or many turns have passed), then a few turns more.
 */
class SlowGateway extends BackendBase {
  static readonly TURNS: Record<string, number> = { one: 4, two: 0, three: 2, four: 1 }
  static arrived: string[] = []
  static started = 0
  static inFlight = 0
  static maxInFlight = 0
  override async send(_id: string, text: string): Promise<void> {
    const started = ++SlowGateway.started
    SlowGateway.maxInFlight = Math.max(SlowGateway.maxInFlight, ++SlowGateway.inFlight)
    try {
      if (text === 'one') for (let turn = 0; turn < 10_000 && SlowGateway.started === started; turn++) await nextTurn()
      for (let turn = 0; turn < (SlowGateway.TURNS[text] ?? 0); turn++) await nextTurn()
      SlowGateway.arrived.push(text)
    } finally {
      SlowGateway.inFlight--
    }
  }
}

describe.each(['blocking', 'database'] as const)('replies through an asynchronous backend, %s router (18)', (router) => {
  const rapid = useRapidTest({
    router,
    apps: [recordingApp('replier', { handle: (msg) => (['one', 'two', 'three', 'four'].forEach((text) => msg.respond(text)), true) })],
    backends: { slow: { engine: SlowGateway } },
  })

  it('reach the backend one at a time, in the order queued, whatever each send takes', async () => {
    SlowGateway.arrived = []
    SlowGateway.maxInFlight = 0
    const [connection] = await rapid.lookupConnections(['5551212'], 'slow')
    await rapid.receive('hello', connection!)
    const { arrived, maxInFlight } = SlowGateway
    expect({ arrived, maxInFlight, appErrors: rapid.router.stats().appErrors }).toEqual({ arrived: ['one', 'two', 'three', 'four'], maxInFlight: 1, appErrors: 0 })
  })
})

describe('respond with extra arguments (4)', () => {
  let returned: { context: ResponseContext; other: unknown } | undefined
  const rapid = useRapidTest({
    apps: [
      recordingApp('forwarder', {
        handle: async (msg) => {
          const [other] = await rapid.lookupConnections(['5550000'])
          returned = { context: msg.respond('forwarded', { connections: [other!], fields: { note: 'kept' } }), other }
          return true
        },
      }),
    ],
  })

  it('extra arguments go into the returned context; connections sends the reply elsewhere, fields reach the message', async () => {
    const appErrors = rapid.router.stats().appErrors
    const msg = await receive(rapid, 'forward')
    expect(rapid.router.stats().appErrors).toBe(appErrors)
    expect(returned!.context).toEqual({ text: 'forwarded', connections: [returned!.other], inResponseTo: msg, fields: { note: 'kept' } })
    expect(rapid.sentMessages.map((m) => [m.identities, m.text, m.context])).toEqual([[['5550000'], 'forwarded', { in_response_to: msg.id }]])
    expect(rapid.outbound[0]!.fields).toEqual({ note: 'kept' })
    expect(rapid.outbound[0]!.inResponseTo).toBe(msg)
  })
})

describe('apps answering asynchronously (11-17)', () => {
  const rapid = useRapidTest({
    apps: [
      recordingApp('gate', { filter: async (msg) => (await nextTurn(), msg.text === 'spam') }),
      recordingApp('upper', { parse: async (msg) => void (await nextTurn(), (msg.text = msg.text.toUpperCase())) }),
      recordingApp('answerer', {
        handle: async (msg) => {
          await nextTurn()
          await nextTurn()
          if (msg.text !== 'PING') return false
          msg.respond('pong')
          return true
        },
      }),
      recordingApp('fallback', { default: async (msg) => (await nextTurn(), msg.respond(`no idea: ${msg.text}`), true) }),
      recordingApp('last'),
    ],
  })
  const incomingCalls = () => calls.filter((c) => !c.includes('.outgoing'))
  let appErrors = 0
  beforeEach(() => {
    appErrors = rapid.router.stats().appErrors
  })
  afterEach(() => expect(rapid.router.stats().appErrors).toBe(appErrors))

  it('each app is awaited before the next: later apps see what it did, its true stops the phase, its reply is sent', async () => {
    const msg = await receive(rapid, 'ping')
    // The parse phase's change is seen by every later app, in parse already.
    expect(phaseCalls('parse')).toEqual(['gate', 'upper', 'answerer', 'fallback', 'last'])
    expect(calls).toContain('answerer.parse:PING')
    expect(calls).not.toContain('answerer.parse:ping')
    expect(phaseCalls('handle')).toEqual(['gate', 'upper', 'answerer'])
    expect(phaseCalls('default')).toEqual([])
    expect(phaseCalls('cleanup')).toEqual(['gate', 'upper', 'answerer', 'fallback', 'last'])
    expect([msg.handled, msg.processed]).toEqual([true, true])
    expect(rapid.sentMessages.map((m) => [m.identities, m.text])).toEqual([[['1112223333'], 'pong']])
  })

  it('an asynchronous default answering true stops the default phase; cleanup still runs', async () => {
    await receive(rapid, 'hello')
    expect(phaseCalls('handle')).toEqual(['gate', 'upper', 'answerer', 'fallback', 'last'])
    expect(phaseCalls('default')).toEqual(['gate', 'upper', 'answerer', 'fallback'])
    expect(phaseCalls('cleanup')).toEqual(['gate', 'upper', 'answerer', 'fallback', 'last'])
    expect(rapid.sentMessages.map((m) => m.text)).toEqual(['no idea: HELLO'])
  })

  it('an asynchronous filter answering true stops everything, cleanup included', async () => {
    const msg = await receive(rapid, 'spam')
    expect(incomingCalls()).toEqual(['gate.filter:spam'])
    expect([msg.handled, rapid.sentMessages]).toEqual([false, []])
  })
})

describe('an app that throws is isolated (19, deliberate difference)', () => {
  const rapid = useRapidTest({
    apps: [
      recordingApp('early', { handle: (msg) => void msg.respond('queued before the crash') }),
      recordingApp('crashy', {
        parse: () => {
          throw new Error('parse boom')
        },
        handle: async () => {
          throw new Error('handle boom')
        },
      }),
      recordingApp('after', { default: (msg) => (msg.respond('still here'), true) }),
    ],
  })

  it('is logged with the message id and app name and treated as returning false; the rest goes on', async () => {
    const logs = captureLogs('warn')
    let msg: IncomingMessage
    try {
      msg = await receive(rapid, 'hi')
    } finally {
      logs.stop()
    }
    expect(phaseCalls('handle')).toEqual(['early', 'crashy', 'after'])
    expect(phaseCalls('default')).toEqual(['early', 'crashy', 'after'])
    expect(phaseCalls('cleanup')).toEqual(['early', 'crashy', 'after'])
    expect(rapid.sentMessages.map((m) => m.text)).toEqual(['queued before the crash', 'still here'])
    const errors = logs.lines.filter((l) => l.level === 50)
    expect(errors.map((l) => [l.app, l.phase, l.msgId])).toEqual([
      ['crashy', 'parse', msg.id],
      ['crashy', 'handle', msg.id],
    ])
    expect(rapid.router.stats().appErrors).toBe(2)
  })

  it('the host keeps processing later messages', async () => {
    await receive(rapid, 'one')
    await receive(rapid, 'two')
    expect(rapid.sentMessages.filter((m) => m.text === 'still here')).toHaveLength(2)
  })
})
