import { describe, expect, it } from 'vitest'
import { AppBase, BackendSendError, Host, MockBackend, type IncomingMessage, type InspectionEvent } from '../../src/index.js'
import { FakeClock, scratchDatabase } from '../../src/testing/index.js'

class Ping extends AppBase {
  static override appName = 'ping'
  override handle(msg: IncomingMessage) {
    if (msg.text !== 'ping') return false
    msg.respond('pong')
    msg.respond('and again')
    return true
  }
}

class Broken extends AppBase {
  static override appName = 'broken'
  override parse(): never {
    throw new Error('parse failed')
  }
}

/** Fails with a 503 the first `failures` times, then accepts. */
class Flaky extends MockBackend {
  failures = 1
  override send(id: string, text: string, identities: string[], context: Record<string, unknown>): void {
    if (this.failures-- > 0) throw new BackendSendError(this.name, 'busy', { status: 503 })
    super.send(id, text, identities, context)
  }
}

async function startHost(clock: FakeClock) {
  const scratch = await scratchDatabase()
  const events: InspectionEvent[] = []
  const host = await Host.start(
    { apps: [Broken, Ping], backends: { sms: { engine: Flaky, retry_delay_ms: 1000 } } },
    { databaseUrl: scratch.url, clock, inspect: (event) => events.push(event) },
  )
  return { host, events, dispose: async () => (await host.stop(), await scratch.dispose()) }
}

describe('the inspection stream', () => {
  it('tells every step of a message: received, phases with the app that stopped one, app errors, replies queued, sends attempted, failed and retried on the clock', async () => {
    const clock = new FakeClock(new Date('2026-12-01T08:00:00Z'))
    const { host, events, dispose } = await startHost(clock)
    try {
      const [connection] = await host.lookupConnections('sms', ['+254700000001'])
      const received = host.receive('ping', connection!)
      // The first reply's send failed (503) and waits 500-1000 ms on the fake clock for its retry.
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(events.filter((e) => e.type === 'send.failed')).toHaveLength(1)
      await clock.advance('1s')
      const msg = await received
      const mine = events.filter((e) => 'msgId' in e && (e.msgId === msg.id || (e.type === 'message.sending' && e.inResponseTo === msg.id)))
      const brief = mine.map((e) => {
        switch (e.type) {
          case 'phase.entered':
            return `enter ${e.phase}`
          case 'phase.left':
            return `leave ${e.phase} ${e.outcome}${e.stoppedBy ? ` by ${e.stoppedBy}` : ''}`
          case 'app.error':
            return `error ${e.app} ${e.phase}: ${e.error}`
          case 'reply.queued':
            return `reply ${e.text}`
          case 'message.sending':
            return `sending ${e.text}`
          default:
            return e.type
        }
      })
      expect(brief).toEqual([
        'message.received',
        'enter filter',
        'leave filter COMPLETED',
        'enter parse',
        'error broken parse: Error: parse failed',
        'leave parse COMPLETED',
        'enter handle',
        'leave handle STOPPED by ping',
        'enter cleanup',
        'leave cleanup COMPLETED',
        'enter respond',
        'reply pong',
        'sending pong',
        'reply and again',
        'sending and again',
        'leave respond COMPLETED',
        'message.processed',
      ])
      const sends = events.filter((e) => e.type.startsWith('send.'))
      const retry = sends[1] as InspectionEvent<'send.failed'>
      expect(retry).toMatchObject({ type: 'send.failed', backend: 'sms', identities: ['+254700000001'], attempt: 1, final: false, error: 'BackendSendError: sms: busy' })
      expect(retry.retryInMs).toBeGreaterThanOrEqual(500)
      expect(retry.retryInMs).toBeLessThanOrEqual(1000)
      // The retry waits exactly its backoff on the clock; the second reply follows at once.
      const start = Date.parse('2026-12-01T08:00:00Z')
      const at = retry.retryInMs!
      expect(sends.map((e) => `${e.type}@${e.at - start}`)).toEqual([
        'send.attempted@0',
        'send.failed@0',
        `send.attempted@${at}`,
        `send.succeeded@${at}`,
        `send.attempted@${at}`,
        `send.succeeded@${at}`,
      ])
      expect(sends.slice(2).map((e) => (e as InspectionEvent<'send.attempted'>).attempt ?? (e as InspectionEvent<'send.succeeded'>).attempts)).toEqual([2, 2, 1, 1])
      expect(events.find((e) => e.type === 'message.processed')).toMatchObject({ handled: true, appErrors: 1 })
    } finally {
      await dispose()
    }
  })

  it('tells the actors that start and stop: backends, apps, the host, connections', async () => {
    const clock = new FakeClock(0)
    const { host, events, dispose } = await startHost(clock)
    await host.lookupConnections('sms', ['1'])
    host.releaseIdleConnections(0)
    await dispose()
    const actors = events.filter((e) => e.type === 'actor.started' || e.type === 'actor.stopped').map((e) => `${e.type === 'actor.started' ? '+' : '-'}${e.kind}:${e.name}`)
    expect(actors).toEqual(['+backend:sms', '+app:broken', '+app:ping', '+host:RapidSMS', '+connection:conn:sms:1', '-connection:conn:sms:1', '-app:ping', '-app:broken', '-backend:sms', '-host:RapidSMS'])
  })
})
