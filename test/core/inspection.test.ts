import { describe, expect, it } from 'vitest'
import { Inspector, portableEvent } from '../../src/core/inspection.js'
import { IncomingMessage } from '../../src/core/messages/index.js'

describe('Inspector', () => {
  it('stamps events with the clock and gives them to every listener and to listeners of their type', () => {
    let now = 1000
    const inspector = new Inspector({ now: () => now })
    const all: string[] = []
    const failed: number[] = []
    inspector.subscribe((e) => all.push(`${e.type}@${e.at}`))
    inspector.on('send.failed', (e) => failed.push(e.attempt))
    inspector.emit('send.attempted', { msgId: 'm', backend: 'b', identities: ['1'], attempt: 1 })
    now = 2000
    inspector.emit('send.failed', { msgId: 'm', backend: 'b', identities: ['1'], attempt: 1, final: true, error: 'down' })
    expect(all).toEqual(['send.attempted@1000', 'send.failed@2000'])
    expect(failed).toEqual([1])
  })

  it('is inactive until someone listens, and again once every listener left', () => {
    const inspector = new Inspector({ now: () => 0 })
    expect(inspector.active).toBe(false)
    const off = inspector.on('actor.started', () => {})
    expect(inspector.active).toBe(true)
    expect(inspector.wants('actor.started')).toBe(true)
    expect(inspector.wants('actor.stopped')).toBe(false)
    off()
    expect(inspector.active).toBe(false)
  })

  it('keeps going when a listener throws', () => {
    const inspector = new Inspector({ now: () => 0 })
    const seen: string[] = []
    inspector.subscribe(() => {
      throw new Error('bad listener')
    })
    inspector.subscribe((e) => seen.push(e.type))
    inspector.emit('actor.started', { kind: 'app', name: 'echo' })
    expect(seen).toEqual(['actor.started'])
  })

  it('leaves the live message out of the portable form', () => {
    const message = new IncomingMessage({ text: 'hi' })
    let portable: Record<string, unknown> = {}
    const inspector = new Inspector({ now: () => 5 })
    inspector.subscribe((e) => (portable = portableEvent(e)))
    inspector.emit('message.received', { msgId: message.id, backend: 'b', identity: '1', text: 'hi', message })
    expect(portable).toEqual({ type: 'message.received', at: 5, msgId: message.id, backend: 'b', identity: '1', text: 'hi' })
    expect(JSON.parse(JSON.stringify(portable))).toEqual(portable)
  })
})
