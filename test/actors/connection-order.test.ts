import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { AppBase, type IncomingMessage } from '../../src/index.js'
import { useRapidTest } from '../../src/testing/vitest.js'

/** Handles messages after a random async delay and records the order it saw them in. */
class SlowCounter extends AppBase {
  static seen = new Map<string, number[]>()
  static maxConcurrent = 0
  static #running = 0

  override async handle(msg: IncomingMessage) {
    SlowCounter.#running++
    SlowCounter.maxConcurrent = Math.max(SlowCounter.maxConcurrent, SlowCounter.#running)
    await sleep(Math.floor(Math.random() * 3))
    const identity = msg.connections[0]!.identity
    const list = SlowCounter.seen.get(identity) ?? []
    list.push(Number(msg.text))
    SlowCounter.seen.set(identity, list)
    msg.respond(`ack ${msg.text}`)
    SlowCounter.#running--
    return true
  }
}

describe('connection actors', () => {
  const rapid = useRapidTest({ apps: [SlowCounter] })

  it("process each connection's messages in arrival order while 100 connections send concurrently", async () => {
    const identities = Array.from({ length: 100 }, (_, i) => `+2547000${String(i).padStart(5, '0')}`)
    const connections = await rapid.lookupConnections(identities)
    const perConnection = 20
    // Every message is handed over at once: the mailboxes, not the callers, keep the order.
    await Promise.all(connections.flatMap((connection) => Array.from({ length: perConnection }, (_, n) => rapid.receive(String(n), connection))))
    const expected = Array.from({ length: perConnection }, (_, n) => n)
    for (const identity of identities) expect(SlowCounter.seen.get(identity)).toEqual(expected)
    for (const identity of identities) {
      const replies = rapid.sentMessages.filter((m) => m.identities[0] === identity).map((m) => m.text)
      expect(replies).toEqual(expected.map((n) => `ack ${n}`))
    }
    // Different connections really ran at the same time.
    expect(SlowCounter.maxConcurrent).toBeGreaterThan(1)
    expect(rapid.router.liveConnections).toBe(100)
  })

  it('idle connection actors are released from memory and rebuilt from the database', async () => {
    const [connection] = await rapid.lookupConnections(['1'])
    await rapid.receive('1', connection!)
    expect(rapid.router.liveConnections).toBe(1)
    expect(rapid.router.releaseIdleConnections(0)).toBe(1)
    expect(rapid.router.liveConnections).toBe(0)
    const [again] = await rapid.lookupConnections(['1'])
    expect(again!.id).toBe(connection!.id)
    expect(again).not.toBe(connection)
    expect(rapid.router.liveConnections).toBe(1)
  })

  it('inConversation() work waits behind the messages queued before it and before those queued after', async () => {
    SlowCounter.seen.clear()
    const [connection] = await rapid.lookupConnections(['+254711000001'])
    let sawWhenRun: number[] | undefined
    const first = rapid.receive('1', connection!)
    const work = rapid.router.inConversation(connection!, async () => {
      sawWhenRun = [...(SlowCounter.seen.get('+254711000001') ?? [])]
      return 42
    })
    const second = rapid.receive('2', { backend: { name: 'mockbackend' }, identity: '+254711000001' })
    expect(await work).toBe(42)
    await Promise.all([first, second])
    expect(sawWhenRun).toEqual([1])
    expect(SlowCounter.seen.get('+254711000001')).toEqual([1, 2])
  })

  it('inConversation() rejects with the error its work threw and the conversation goes on', async () => {
    const [connection] = await rapid.lookupConnections(['+254711000002'])
    await expect(rapid.router.inConversation(connection!, async () => Promise.reject(new Error('timer failed')))).rejects.toThrow('timer failed')
    await rapid.receive('7', connection!)
    expect(rapid.sentMessages.at(-1)?.text).toBe('ack 7')
  })
})
