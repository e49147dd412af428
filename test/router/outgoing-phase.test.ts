import { inspect } from 'node:util'
import { beforeEach, describe, expect, it } from 'vitest'
import { BackendBase, MockBackend, Backend, type BackendContext } from '../../src/index.js'
import { useRapidTest } from '../../src/testing/vitest.js'
import { captureLogs } from '../support/logs.js'
import { calls, phaseCalls, recordingApp } from '../support/recording-apps.js'

beforeEach(() => {
  calls.length = 0
})

describe('outgoing phase (20-23)', () => {
  const rapid = useRapidTest({
    apps: [
      recordingApp('first'),
      recordingApp('censor', { outgoing: (msg) => (msg.text.includes('secret') ? false : undefined) }),
      recordingApp('crashy', {
        outgoing: () => {
          throw new Error('outgoing boom')
        },
      }),
      recordingApp('last', { outgoing: () => null }),
    ],
  })

  it('calls apps in reverse installed order and sends the message (20, 23)', async () => {
    const [connection] = await rapid.lookupConnections(['1'])
    const msg = await rapid.send('hello', connection!)
    expect(phaseCalls('outgoing')).toEqual(['last', 'crashy', 'censor', 'first'])
    expect(msg.processed).toBe(true)
    expect(rapid.sentMessages.map((m) => m.text)).toEqual(['hello'])
  })

  it('an app returning exactly false cancels: later apps skipped, no backend call, processed stays false (21)', async () => {
    const [connection] = await rapid.lookupConnections(['1'])
    const msg = await rapid.send('a secret', connection!)
    expect(phaseCalls('outgoing')).toEqual(['last', 'crashy', 'censor'])
    expect(msg.processed).toBe(false)
    expect(rapid.sentMessages).toEqual([])
    expect(rapid.outbound).toEqual([msg])
  })

  it('an exception in outgoing is logged and ignored; the message is still sent (22)', async () => {
    const logs = captureLogs('warn')
    const [connection] = await rapid.lookupConnections(['1'])
    const msg = await rapid.send('hello', connection!).finally(() => logs.stop())
    expect(rapid.sentMessages).toHaveLength(1)
    expect(logs.lines.filter((l) => l.level === 50).map((l) => [l.app, l.phase, l.msgId])).toEqual([['crashy', 'outgoing', msg.id]])
  })
})

class RecordingBackend extends BackendBase {
  static sends: { backend: string; id: string; text: string; identities: string[]; context: BackendContext }[] = []
  override send(id: string, text: string, identities: string[], context: BackendContext): void {
    RecordingBackend.sends.push({ backend: this.name, id, text, identities, context })
  }
}

class BrokenBackend extends BackendBase {
  override send(): void {
    throw new Error('gateway down')
  }
}

describe('backends (24-27)', () => {
  const rapid = useRapidTest({
    apps: [recordingApp('a')],
    backends: {
      mockbackend: { engine: RecordingBackend },
      other: { engine: RecordingBackend },
      broken: { engine: BrokenBackend },
      configured: { engine: MockBackend, a: 1, B: 2, Cc: 3, sendsmsUrl: 'http://x', SENDSMS_PARAMS: { From: '1' } },
    },
  })
  beforeEach(() => {
    RecordingBackend.sends = []
  })

  it('groups connections by backend: one send per backend with its identities (24)', async () => {
    const mock = await rapid.lookupConnections('mockbackend', ['1'])
    const other = await rapid.lookupConnections('other', ['2', '3'])
    const msg = await rapid.send('hi all', [...mock, ...other])
    expect(RecordingBackend.sends).toEqual([
      { backend: 'mockbackend', id: msg.id, text: 'hi all', identities: ['1'], context: {} },
      { backend: 'other', id: msg.id, text: 'hi all', identities: ['2', '3'], context: {} },
    ])
  })

  it('two identities on one backend make one call with both', async () => {
    await rapid.send('pair', await rapid.lookupConnections('other', ['2', '3']))
    expect(RecordingBackend.sends.map((s) => s.identities)).toEqual([['2', '3']])
  })

  it('an unconfigured backend is logged and skipped; the others still get the message (25)', async () => {
    const logs = captureLogs('warn')
    const unknown = await rapid.lookupConnections('nowhere', ['9'])
    const mock = await rapid.lookupConnections('mockbackend', ['1'])
    await rapid.send('hi', [...unknown, ...mock]).finally(() => logs.stop())
    expect(RecordingBackend.sends.map((s) => s.backend)).toEqual(['mockbackend'])
    expect(logs.lines.map((l) => l.msg)).toContain('Router is not configured with the nowhere backend')
  })

  it('an error raised by a backend is logged and swallowed (25)', async () => {
    const logs = captureLogs('warn')
    const broken = await rapid.lookupConnections('broken', ['9'])
    const mock = await rapid.lookupConnections('mockbackend', ['1'])
    const msg = await rapid.send('hi', [...broken, ...mock]).finally(() => logs.stop())
    expect(msg.processed).toBe(true)
    expect(RecordingBackend.sends.map((s) => s.backend)).toEqual(['mockbackend'])
    const error = logs.lines.find((l) => l.level === 50)!
    expect(error.msg).toBe('broken encountered an error while sending.')
    expect(error.msgId).toBe(msg.id)
    expect(rapid.router.stats().sendFailures).toBe(1)
  })

  it('configuration keys are lower-cased before the backend sees them (26)', () => {
    const backend = rapid.router.backends.get('configured')!.backend
    // camelCase keys are also given in snake_case, as the built-in backends read them.
    expect(backend.config).toEqual({ a: 1, b: 2, cc: 3, sendsmsurl: 'http://x', sendsms_url: 'http://x', sendsms_params: { From: '1' } })
  })

  it("a backend's string form is its name; its model is created on demand (27)", async () => {
    const backend = rapid.router.backends.get('configured')!.backend
    expect(String(backend)).toBe('configured')
    expect(inspect(backend)).toBe('<backend: configured>')
    expect(await rapid.em().count(Backend, { name: 'configured' })).toBe(0)
    const model = await backend.model()
    expect(model.name).toBe('configured')
    expect(await rapid.em().count(Backend, { name: 'configured' })).toBe(1)
    expect((await backend.model()).id).toBe(model.id)
  })
})
