import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BusTimeoutError, MemoryBus, NatsBus, NoRespondersError, subjectMatches, type Bus, type BusMessage } from '../../../src/runtime/bus/index.js'
import { natsServerAvailable, startNatsServer, type NatsServer } from '../../support/nats-server.js'

/** Collect what a subscription receives; `until(n)` waits for n messages. */
function collector() {
  const got: BusMessage[] = []
  const waiters: { n: number; resolve: () => void }[] = []
  return {
    got,
    handler: (msg: BusMessage) => {
      got.push(msg)
      for (const w of waiters.filter((w) => got.length >= w.n)) w.resolve()
    },
    until: (n: number) =>
      got.length >= n
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ n, resolve })
            setTimeout(() => reject(new Error(`only ${got.length} of ${n} messages arrived`)), 3000)
          }),
  }
}

const settle = () => new Promise((r) => setTimeout(r, 100))

/** The contract every Bus keeps, run against each implementation. */
function busContract(name: string, open: () => Promise<Bus>) {
  describe(`${name} bus`, () => {
    let bus: Bus
    beforeAll(async () => {
      bus = await open()
    })
    afterAll(async () => {
      await bus.close()
    })

    it('delivers published messages to every matching subscriber, in order', async () => {
      const a = collector()
      const b = collector()
      const subA = bus.subscribe('t1.orders', a.handler)
      const subB = bus.subscribe('t1.orders', b.handler)
      await bus.flush()
      for (let i = 0; i < 50; i++) bus.publish('t1.orders', { n: i })
      await Promise.all([a.until(50), b.until(50)])
      expect(a.got.map((m) => m.json<{ n: number }>().n)).toEqual([...Array(50).keys()])
      expect(b.got.map((m) => m.json<{ n: number }>().n)).toEqual([...Array(50).keys()])
      subA.unsubscribe()
      subB.unsubscribe()
    })

    it('matches * to one token and > to the rest', async () => {
      const star = collector()
      const tail = collector()
      const s1 = bus.subscribe('t2.*.done', star.handler)
      const s2 = bus.subscribe('t2.>', tail.handler)
      await bus.flush()
      bus.publish('t2.a.done', 'one')
      bus.publish('t2.a.b.done', 'two')
      bus.publish('t2', 'three')
      await tail.until(2)
      await settle()
      expect(star.got.map((m) => m.string())).toEqual(['one'])
      expect(tail.got.map((m) => m.string())).toEqual(['one', 'two'])
      s1.unsubscribe()
      s2.unsubscribe()
    })

    it('gives each message to exactly one member of a queue group', async () => {
      const members = [collector(), collector(), collector()]
      const plain = collector()
      const subs = members.map((m) => bus.subscribe('t3.work', m.handler, { queue: 'workers' }))
      subs.push(bus.subscribe('t3.work', plain.handler))
      await bus.flush()
      for (let i = 0; i < 60; i++) bus.publish('t3.work', String(i))
      await plain.until(60)
      await settle()
      const delivered = members.flatMap((m) => m.got.map((g) => g.string()))
      expect(delivered.sort()).toEqual([...Array(60).keys()].map(String).sort())
      for (const sub of subs) sub.unsubscribe()
    })

    it('answers requests, with bytes, text and JSON payloads', async () => {
      const sub = bus.subscribe('t4.echo', (msg) => void msg.respond({ echoed: msg.string() }))
      await bus.flush()
      const reply = await bus.request('t4.echo', 'hello', { timeout: 2000 })
      expect(reply.json()).toEqual({ echoed: 'hello' })
      const bytes = await bus.request('t4.echo', new Uint8Array([104, 105]), { timeout: 2000 })
      expect(bytes.json()).toEqual({ echoed: 'hi' })
      sub.unsubscribe()
    })

    it('rejects a request nobody listens to with NoRespondersError', async () => {
      await expect(bus.request('t5.nobody', 'x', { timeout: 1000 })).rejects.toBeInstanceOf(NoRespondersError)
    })

    it('rejects a request nobody answers in time with BusTimeoutError', async () => {
      const sub = bus.subscribe('t6.silent', () => undefined)
      await bus.flush()
      await expect(bus.request('t6.silent', 'x', { timeout: 200 })).rejects.toBeInstanceOf(BusTimeoutError)
      sub.unsubscribe()
    })

    it('stops delivering after unsubscribe', async () => {
      const c = collector()
      const sub = bus.subscribe('t7.x', c.handler)
      await bus.flush()
      bus.publish('t7.x', '1')
      await c.until(1)
      sub.unsubscribe()
      await bus.flush()
      bus.publish('t7.x', '2')
      await settle()
      expect(c.got.map((m) => m.string())).toEqual(['1'])
    })

    it('keeps delivering when a subscriber throws, to the others and to that subscriber', async () => {
      const c = collector()
      const thrown: string[] = []
      const rejected: string[] = []
      const bad = bus.subscribe('t8.x', (msg) => {
        thrown.push(msg.string())
        throw new Error('subscriber bug')
      })
      const failing = bus.subscribe('t8.x', async (msg) => {
        rejected.push(msg.string())
        throw new Error('async subscriber bug')
      })
      const good = bus.subscribe('t8.x', c.handler)
      await bus.flush()
      bus.publish('t8.x', '1')
      bus.publish('t8.x', '2')
      await c.until(2)
      await settle()
      expect({ good: c.got.map((m) => m.string()), thrown, rejected }).toEqual({ good: ['1', '2'], thrown: ['1', '2'], rejected: ['1', '2'] })
      bad.unsubscribe()
      failing.unsubscribe()
      good.unsubscribe()
    })
  })
}

describe('subjectMatches', () => {
  it.each([
    ['a.b', 'a.b', true],
    ['a.*', 'a.b', true],
    ['a.*', 'a.b.c', false],
    ['a.>', 'a.b.c', true],
    ['a.>', 'a', false],
    ['*.b', 'a.b', true],
    ['a.b', 'a.c', false],
  ])('%s ~ %s is %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected)
  })
})

busContract('in-memory', async () => new MemoryBus())

describe.skipIf(!natsServerAvailable())('with a private nats-server', () => {
  let server: NatsServer
  beforeAll(async () => {
    server = await startNatsServer()
  })
  afterAll(async () => {
    await server?.stop()
  })
  busContract('NATS', async () => NatsBus.connect(server.url))
})
