import { describe, expect, it } from 'vitest'
import { createActor, fromPromise } from 'xstate'
import { toDirectedGraph } from 'xstate/graph'
import { modemMachine, type ModemWork } from '../../machines/modem.machine.js'
import { FakeClock } from '../../src/testing/index.js'

const idle: ModemWork = { read: false, send: false }
type Effect = 'openPort' | 'initialise' | 'readStorage' | 'sendPart' | 'keepalive' | 'closePort'

/** The machine with effects that resolve (or fail) as each test says, on a FakeClock. */
function run(effects: Partial<Record<Effect, () => Promise<unknown>>> = {}) {
  const clock = new FakeClock()
  const calls: string[] = []
  const effect = (name: Effect, fallback: () => Promise<unknown>) =>
    fromPromise(async () => {
      calls.push(name)
      return (effects[name] ?? fallback)()
    })
  const machine = modemMachine.provide({
    actors: {
      openPort: effect('openPort', async () => undefined) as never,
      initialise: effect('initialise', async () => idle) as never,
      readStorage: effect('readStorage', async () => idle) as never,
      sendPart: effect('sendPart', async () => idle) as never,
      keepalive: effect('keepalive', async () => undefined) as never,
      closePort: effect('closePort', async () => undefined) as never,
    },
  })
  const actor = createActor(machine, {
    input: { keepaliveMs: 60_000, backoffMs: 1000, maxBackoffMs: 8000 },
    clock: { setTimeout: (fn, ms) => clock.setTimeout(fn, ms), clearTimeout: (t) => (t as { cancel(): void }).cancel() },
  })
  const states: string[] = []
  actor.subscribe((s) => {
    const value = typeof s.value === 'string' ? s.value : `online.${(s.value as { online: string }).online}`
    if (states.at(-1) !== value) states.push(value)
  })
  actor.start()
  const settle = () => clock.advance(0)
  return { actor, clock, calls, states, settle }
}

describe('the modem machine', () => {
  it('opens, initialises and is ready', async () => {
    const { actor, states, settle } = run()
    actor.send({ type: 'START' })
    await settle()
    expect(states).toEqual(['closed', 'opening', 'online.initialising', 'online.ready'])
  })

  it('reads what the initialisation found, then sends, taking turns', async () => {
    let reads = 2
    let sends = 2
    const left = (): ModemWork => ({ read: reads > 0, send: sends > 0 })
    const { actor, calls, settle } = run({
      initialise: async () => left(),
      readStorage: async () => (reads--, left()),
      sendPart: async () => (sends--, left()),
    })
    actor.send({ type: 'START' })
    await settle()
    expect(calls).toEqual(['openPort', 'initialise', 'readStorage', 'sendPart', 'readStorage', 'sendPart'])
  })

  it('does work announced while ready', async () => {
    const { actor, calls, settle } = run()
    actor.send({ type: 'START' })
    await settle()
    actor.send({ type: 'WORK', work: { read: false, send: true } })
    await settle()
    expect(calls.at(-1)).toBe('sendPart')
    expect(actor.getSnapshot().value).toEqual({ online: 'ready' })
  })

  it('sends a keepalive after a quiet minute; an unanswered one fails the modem, which reconnects with a doubling backoff', async () => {
    let opens = 0
    const { actor, clock, calls, states, settle } = run({
      openPort: async () => {
        if (++opens > 1) throw new Error('ENOENT')
      },
      keepalive: async () => {
        throw new Error('AT: no answer within 10000 ms')
      },
    })
    actor.send({ type: 'START' })
    await settle()
    await clock.advance('59s')
    expect(calls).not.toContain('keepalive')
    await clock.advance('1s')
    expect(states.slice(-4)).toEqual(['online.ready', 'online.probing', 'failed', 'reconnecting'])
    expect(actor.getSnapshot().context.error).toBe('AT: no answer within 10000 ms')
    // 1 s, then 2 s, 4 s, 8 s, 8 s... between tries.
    const tries = () => calls.filter((c) => c === 'openPort').length
    await clock.advance(1000)
    expect(tries()).toBe(2)
    await clock.advance(1999)
    expect(tries()).toBe(2)
    await clock.advance(1)
    expect(tries()).toBe(3)
    await clock.advance(4000)
    await clock.advance(8000)
    await clock.advance(8000)
    expect(tries()).toBe(6)
  })

  it('halts on a fatal error (a wrong PIN) and tries nothing more', async () => {
    const { actor, clock, calls, settle } = run({ initialise: () => Promise.reject({ fatal: true, message: 'the SIM refused the PIN' }) })
    actor.send({ type: 'START' })
    await settle()
    await clock.advance('1h')
    expect(actor.getSnapshot().value).toBe('halted')
    expect(actor.getSnapshot().context.error).toBe('the SIM refused the PIN')
    expect(calls).toEqual(['openPort', 'initialise'])
  })

  it('fails when the port closes, and stops on STOP', async () => {
    const { actor, states, settle } = run()
    actor.send({ type: 'START' })
    await settle()
    actor.send({ type: 'PORT_CLOSED', reason: 'the port closed (EIO)' })
    await settle()
    expect(states.slice(-2)).toEqual(['failed', 'reconnecting'])
    actor.send({ type: 'STOP' })
    await settle()
    expect(actor.getSnapshot().status).toBe('done')
    expect(states.slice(-2)).toEqual(['stopping', 'stopped'])
  })

  it('can be drawn: its states and transitions as a graph', () => {
    const graph = toDirectedGraph(modemMachine)
    const ids = (node: typeof graph): string[] => [node.id, ...node.children.flatMap(ids)]
    expect(ids(graph)).toEqual(
      expect.arrayContaining(['modem.closed', 'modem.opening', 'modem.online.initialising', 'modem.online.ready', 'modem.online.reading', 'modem.online.sending', 'modem.online.probing', 'modem.failed', 'modem.reconnecting', 'modem.halted', 'modem.stopped']),
    )
  })
})
