import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { AppBase, BackendMessage, DatabaseBackend, Host, type IncomingMessage } from '../../src/index.js'

/** Answers every message after a pause, so messages are still in progress when the host stops. */
class Slow extends AppBase {
  override async handle(msg: IncomingMessage) {
    await sleep(20)
    msg.respond(`done ${msg.text}`)
    return true
  }
}

describe('Host.stop()', () => {
  it('finishes the messages in progress and those waiting in mailboxes, with their rows, then refuses new ones', async () => {
    const host = await Host.start({ apps: [Slow], backends: { sms: { engine: DatabaseBackend } } }, { databaseUrl: 'sqlite::memory:' })
    const phones = ['111', '222']
    const received = phones.flatMap((identity) => [1, 2, 3].map((n) => host.receive(`${identity}/${n}`, { backend: { name: 'sms' }, identity })))
    // Let the first messages reach the app before stopping.
    await sleep(5)
    const stopped = host.stop()
    const refused = await host.receive('late', { backend: { name: 'sms' }, identity: '333' }).catch((error: Error) => error.message)
    await stopped
    // Read the moment stop() returns: every reply was already stored by the database backend.
    const atStop = host.stats()
    expect(refused).toBe('The router is shutting down')
    expect(atStop).toMatchObject({ received: 6, sent: 6, sendFailures: 0 })
    expect((await Promise.all(received)).map((msg) => msg.responses.map((r) => r.text))).toEqual(phones.flatMap((p) => [1, 2, 3].map((n) => [`done ${p}/${n}`])))
  })

  it("the writer's drain() waits for rows queued before it and while it waits", async () => {
    const host = await Host.start({ apps: [], backends: { sms: { engine: DatabaseBackend } } }, { databaseUrl: 'sqlite::memory:' })
    const row = (n: number) => ({ name: 'sms', direction: 'O', date: new Date(), messageId: `m${n}`, identity: '1', text: `t${n}` })
    await host.db.writer.drain()
    for (let n = 0; n < 50; n++) void host.db.writer.insert(BackendMessage, row(n))
    const drained = host.db.writer.drain().then(() => host.db.orm.em.fork().count(BackendMessage, {}))
    for (let n = 50; n < 60; n++) void host.db.writer.insert(BackendMessage, row(n))
    expect(await drained).toBe(60)
    await host.stop()
  })
})

describe('Host.receive()', () => {
  it('rejects, never throws, when the connection it is given is unusable', async () => {
    const host = await Host.start({ apps: [], backends: { sms: { engine: DatabaseBackend } } }, { databaseUrl: 'sqlite::memory:' })
    const bad = { identity: '1' } as unknown as Parameters<Host['receive']>[1]
    let returned: Promise<unknown> | undefined
    expect(() => (returned = host.receive('hi', bad))).not.toThrow()
    await expect(returned).rejects.toThrow(TypeError)
    await host.stop()
  })
})
