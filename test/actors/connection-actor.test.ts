import { describe, expect, it } from 'vitest'
import { ConnectionActor, connectionKey } from '../../actors/connection.actor.js'
import { IncomingMessage } from '../../src/core/messages/index.js'
import type { Connection } from '../../src/models/index.js'
import { FakeClock } from '../../src/testing/index.js'

const connection = { id: 1, identity: '1', backend: { name: 'sms' }, contact: null } as unknown as Connection

/** A promise and its resolver, to hold a job in progress. */
function gate(): { open: () => void; wait: Promise<void> } {
  let open!: () => void
  const wait = new Promise<void>((resolve) => (open = resolve))
  return { open, wait }
}

describe('ConnectionActor', () => {
  it('holds the row it was made with as fresh (not stale), with nothing in its memory', () => {
    const actor = new ConnectionActor(connectionKey('sms', '1'), connection, async () => undefined, new FakeClock(5_000))
    expect([actor.stale, actor.connection, actor.memory.size, actor.lastActive]).toEqual([false, connection, 0, 5_000])
  })

  it('is busy from a job queued until its mailbox is empty, and whenIdle() resolves only then', async () => {
    const first = gate()
    const seen: string[] = []
    const actor = new ConnectionActor(connectionKey('sms', '1'), connection, async (msg) => {
      seen.push(msg.text)
      if (msg.text === 'one') await first.wait
    })
    expect(actor.idle).toBe(true)
    await actor.whenIdle()
    const one = actor.receive(new IncomingMessage({ text: 'one' }))
    const two = actor.receive(new IncomingMessage({ text: 'two' }))
    expect(actor.idle).toBe(false)
    let idle = false
    const waiting = actor.whenIdle().then(() => (idle = true))
    await new Promise((resolve) => setImmediate(resolve))
    expect([idle, seen]).toEqual([false, ['one']])
    first.open()
    expect((await one).text).toBe('one')
    expect((await two).text).toBe('two')
    await waiting
    expect(idle).toBe(true)
    expect(actor.idle).toBe(true)
  })

  it('takes messages and other work in the order queued; a failure rejects its own job only', async () => {
    const order: string[] = []
    const actor = new ConnectionActor('k', connection, async (msg) => {
      order.push(`message ${msg.text}`)
      if (msg.text === 'bad') throw new Error('app crashed')
    })
    const jobs = [
      actor.receive(new IncomingMessage({ text: 'a' })),
      actor.run(async () => (order.push('work'), 7)),
      actor.receive(new IncomingMessage({ text: 'bad' })),
      actor.run(async () => Promise.reject(new Error('timer failed'))),
      actor.receive(new IncomingMessage({ text: 'b' })),
    ]
    const settled = await Promise.allSettled(jobs)
    expect(order).toEqual(['message a', 'work', 'message bad', 'message b'])
    expect(settled.map((s) => (s.status === 'fulfilled' ? (s.value instanceof IncomingMessage ? s.value.text : s.value) : (s.reason as Error).message))).toEqual(['a', 7, 'app crashed', 'timer failed', 'b'])
  })

  it('remembers when it last finished work, on its clock', async () => {
    const clock = new FakeClock(1_000)
    const actor = new ConnectionActor('k', connection, async () => {}, clock)
    expect(actor.lastActive).toBe(1_000)
    await clock.advance(5_000)
    await actor.receive(new IncomingMessage({ text: 'x' }))
    expect(actor.lastActive).toBe(6_000)
  })

  it('keys a conversation by backend and identity, which no identity can fake', () => {
    expect(connectionKey('a', 'b')).not.toBe(connectionKey('a\u0000b', ''))
    expect(connectionKey('sms', '1')).toBe(connectionKey('sms', '1'))
    expect(connectionKey('sms', '1')).not.toBe(connectionKey('sms2', '1'))
  })
})
