import { describe, expect, it } from 'vitest'
import { AppBase, DatabaseBackend, Host, LoggedMessage, MessageLogApp, type IncomingMessage } from '../../src/index.js'
import { FakeClock, scratchDatabase } from '../../src/testing/index.js'

class Echo extends AppBase {
  override handle(msg: IncomingMessage) {
    msg.respond(msg.text)
    return true
  }
}

describe('a host on an injected clock', () => {
  it('releases idle conversations after connectionIdleMs of its time, not before, and stamps rows with its time', async () => {
    const clock = new FakeClock(new Date('2030-01-01T00:00:00Z'))
    const scratch = await scratchDatabase()
    const host = await Host.start({ apps: [MessageLogApp, Echo], backends: { sms: { engine: DatabaseBackend } }, connectionIdleMs: 60_000 }, { databaseUrl: scratch.url, clock })
    try {
      await host.receive('hi', { backend: { name: 'sms' }, identity: '1' })
      expect(host.liveConnections).toBe(1)
      await clock.advance('59s')
      expect(host.liveConnections).toBe(1)
      // The sweeper runs every 30 s of the clock: at 90 s the conversation has been idle 60 s or more.
      await clock.advance('31s')
      expect(host.liveConnections).toBe(0)
      const rows = await host.db.orm.em.fork().find(LoggedMessage, {}, { orderBy: { id: 'asc' } })
      expect(rows.map((r) => [r.direction, r.text, r.date.toISOString()])).toEqual([
        ['I', 'hi', '2030-01-01T00:00:00.000Z'],
        ['O', 'hi', '2030-01-01T00:00:00.000Z'],
      ])
    } finally {
      await host.stop()
      await scratch.dispose()
    }
  })
})
