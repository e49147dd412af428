import { describe, expect, it } from 'vitest'
import { ModemSendError, SendQueue } from '../../../src/backends/modem/send-queue.js'
import { FakeClock } from '../../../src/testing/index.js'

const pdu = (n: number) => ({ pdu: `PDU${n}`, tpduLength: n })

function queue() {
  const clock = new FakeClock()
  let changes = 0
  const q = new SendQueue({ clock, sendTimeoutMs: 60_000, retryDelayMs: 5000, maxRetryDelayMs: 60_000, changed: () => changes++, why: () => 'reconnecting: the port closed' })
  return { clock, q, changes: () => changes }
}

describe('the send queue', () => {
  it('answers a message with the TP-MR of each part, in order, once all are accepted', async () => {
    const { q } = queue()
    const seen: [number, number][] = []
    const sent = q.add([pdu(1), pdu(2)], (sequence, reference) => seen.push([sequence, reference]))
    q.accepted(q.next()!, 40)
    q.accepted(q.next()!, 41)
    expect(await sent).toEqual([40, 41])
    expect(seen).toEqual([
      [1, 40],
      [2, 41],
    ])
    expect(q.size).toBe(0)
  })

  it('a part refused for now waits 5 s, then 10 s, then 20 s...; others go meanwhile', async () => {
    const { q, clock, changes } = queue()
    void q.add([pdu(1)])
    void q.add([pdu(2)])
    const first = q.next()!
    expect(q.postpone(first)).toBe(5000)
    expect(q.next()!.pdu.pdu).toBe('PDU2')
    expect(q.retrying).toBe(1)
    const before = changes()
    await clock.advance('5s')
    expect(changes()).toBe(before + 1)
    expect(q.postpone(first)).toBe(10_000)
    expect(q.postpone(first)).toBe(20_000)
  })

  it('fails a message that waited sendTimeout, saying why, and drops its other parts', async () => {
    const { q, clock } = queue()
    const sent = q.add([pdu(1), pdu(2)])
    const failed = sent.catch((e: Error) => e)
    q.accepted(q.next()!, 7)
    await clock.advance('60s')
    const error = await failed
    expect(error).toBeInstanceOf(ModemSendError)
    expect((error as Error).message).toBe('the modem did not send the message within 60000 ms (reconnecting: the port closed)')
    expect(q.size).toBe(0)
  })

  it('failWhere fails only the messages of the parts it picks', async () => {
    const { q } = queue()
    const a = q.add([pdu(1)]).catch((e: Error) => e.message)
    const b = q.add([pdu(2)])
    q.failWhere(new ModemSendError('stopping'), (part) => part.pdu.pdu === 'PDU1')
    expect(await a).toBe('stopping')
    q.accepted(q.next()!, 9)
    expect(await b).toEqual([9])
  })
})
