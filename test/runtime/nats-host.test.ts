import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { HandlersApp, Host, MockBackend, NatsBus, PingHandler, type BusMessage } from '../../src/index.js'
import { scratchDatabase } from '../../src/testing/index.js'
import { natsServerAvailable, startNatsServer, type NatsServer } from '../support/nats-server.js'

describe.skipIf(!natsServerAvailable())('a host on NATS (a private nats-server)', () => {
  let server: NatsServer
  beforeAll(async () => {
    server = await startNatsServer()
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('processes a message and publishes its events and its own on rapidsms.events.>, seen by another connection', async () => {
    // The `natsUrl` setting, not a NATS_URL the environment may have.
    vi.stubEnv('NATS_URL', undefined)
    const watcher = await NatsBus.connect(server.url, 'watcher')
    const events: { subject: string; data: Record<string, unknown> }[] = []
    watcher.subscribe('rapidsms.events.>', (msg: BusMessage) => void events.push({ subject: msg.subject, data: msg.json() }))
    await watcher.flush()
    const scratch = await scratchDatabase()
    try {
      const host = await Host.start({ apps: [HandlersApp], handlers: [PingHandler], backends: { sms: { engine: MockBackend } }, natsUrl: server.url }, { databaseUrl: scratch.url })
      let msgId: string
      try {
        const [phone] = await host.lookupConnections('sms', ['+254700000001'])
        const msg = await host.receive('ping', phone!)
        msgId = msg.id
        const outbox = (host.backends.get('sms')!.backend as MockBackend).outbox
        expect(outbox.map((m) => [m.text, m.identities])).toEqual([['pong', ['+254700000001']]])
      } finally {
        await host.stop()
      }
      await vi.waitFor(() => expect(events.map((e) => e.subject)).toContain('rapidsms.events.host.stopped'), { timeout: 5000 })
      const subjects = events.map((e) => e.subject)
      expect(events.find((e) => e.subject === 'rapidsms.events.host.started')?.data).toMatchObject({ apps: ['handlers'], backends: ['sms'] })
      // What happened to the message, as another host or the visualizer would see it.
      expect(events.find((e) => e.subject === 'rapidsms.events.message.received')?.data).toMatchObject({ msgId, backend: 'sms', identity: '+254700000001', text: 'ping' })
      expect(events.find((e) => e.subject === 'rapidsms.events.message.sending')?.data).toMatchObject({ inResponseTo: msgId, text: 'pong', backends: ['sms'] })
      // In order: started first, stopped last; no live message objects on the wire.
      expect(subjects.indexOf('rapidsms.events.host.started')).toBeLessThan(subjects.indexOf('rapidsms.events.message.received'))
      expect(subjects.at(-1)).toBe('rapidsms.events.host.stopped')
      expect(events.some((e) => 'message' in e.data)).toBe(false)
    } finally {
      vi.unstubAllEnvs()
      await watcher.close()
      await scratch.dispose()
    }
  })
})
