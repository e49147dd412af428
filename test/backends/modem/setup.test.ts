import { afterEach, describe, expect, it } from 'vitest'
import { ModemBackend } from '../../../src/backends/modem/index.js'
import { ConfigError } from '../../../src/index.js'
import { Host } from '../../../src/runtime/host.js'
import { FakeClock, scratchDatabase } from '../../../src/testing/index.js'
import { advanceUntil, eventually, startModemProject, type ModemProject } from '../../support/modem-project.js'

async function startError(backend: Record<string, unknown>): Promise<ConfigError> {
  const scratch = await scratchDatabase()
  try {
    await Host.start({ backends: { modem: { engine: ModemBackend, ...backend } } }, { databaseUrl: scratch.url })
  } catch (error) {
    return error as ConfigError
  } finally {
    await scratch.dispose()
  }
  throw new Error('the host started')
}

describe('settings', () => {
  it('a missing port stops startup naming the key', async () => {
    const error = await startError({})
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.key).toBe('backends.modem.port')
    expect(error.message).toMatch(/serial device of the modem/)
  })

  it('a port that does not exist stops startup naming the key, not a crash', async () => {
    const error = await startError({ port: '/dev/ttyUSB-not-here' })
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.key).toBe('backends.modem.port')
    expect(error.message).toMatch(/no serial device at \/dev\/ttyUSB-not-here/)
  })

  it.each([
    [{ port: '/dev/null', baudRate: 'fast' }, 'backends.modem.baudRate'],
    [{ port: '/dev/null', pin: 1234 }, 'backends.modem.pin'],
    [{ port: '/dev/null', storage: 'SIM' }, 'backends.modem.storage'],
    [{ port: '/dev/null', concatTimeout: 'soon' }, 'backends.modem.concatTimeout'],
    [{ port: '/dev/null', delivery_reports: 'yes' }, 'backends.modem.deliveryReports'],
  ])('%o is refused naming %s', async (backend, key) => {
    const error = await startError(backend)
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.key).toBe(key)
  })
})

describe('the SIM', () => {
  let project: ModemProject | undefined
  afterEach(async () => {
    await project?.close()
    project = undefined
  })

  it('asks for its PIN: the configured PIN is given once, then the modem is ready', async () => {
    project = await startModemProject({ simulator: { pin: '1234' }, backend: { pin: '1234' } })
    const { sim, received } = project
    expect(sim.commands.filter((c) => c.startsWith('AT+CPIN'))).toEqual(['AT+CPIN?', 'AT+CPIN="1234"', 'AT+CPIN?'])
    sim.receive('+254700000001', 'after the PIN')
    await eventually(() => received.length === 1, 'the message')
    expect(received[0]!.text).toBe('after the PIN')
  })

  it('asks for a PIN that is not configured: the backend halts and says which setting', async () => {
    project = await startModemProject({ simulator: { pin: '1234' }, ready: false })
    const { link, sim } = project
    await eventually(() => link.state === 'halted', 'the modem halting')
    expect(link.error).toMatch(/asks for its PIN: set backends\.modem\.pin/)
    expect(sim.commands.some((c) => c.startsWith('AT+CPIN='))).toBe(false)
  })

  it('refuses the PIN: it is not tried again (three wrong PINs lock a SIM)', async () => {
    const clock = new FakeClock()
    project = await startModemProject({ simulator: { pin: '1234' }, backend: { pin: '9999' }, clock, ready: false })
    const { link, sim } = project
    await eventually(() => link.state === 'halted', 'the modem halting')
    expect(link.error).toMatch(/refused the PIN \(\+CME ERROR: 16 \(incorrect password\)\)/)
    await clock.advance('10m')
    expect(sim.commands.filter((c) => c.startsWith('AT+CPIN='))).toEqual(['AT+CPIN="9999"'])
  })

  it('is full: the backend empties it, and the messages the network held come in', async () => {
    project = await startModemProject({
      simulator: { capacity: 3 },
      before: (sim) => {
        for (let i = 1; i <= 3; i++) sim.preload(`+25470000001${i}`, `stored ${i}`)
        // The network holds these until there is room.
        sim.cnmi = [2, 1, 0, 0, 0]
        sim.receive('+254700000021', 'held 1')
        sim.receive('+254700000022', 'held 2')
      },
    })
    const { sim, received } = project
    expect(sim.waiting.length).toBeLessThanOrEqual(2)
    await eventually(() => received.length === 5, 'five messages')
    expect(received.map((m) => m.text).sort()).toEqual(['held 1', 'held 2', 'stored 1', 'stored 2', 'stored 3'])
    await eventually(() => sim.count() === 0 && sim.waiting.length === 0, 'the SIM emptied')
  })
})

describe('long messages whose parts do not all come', () => {
  const clock = new FakeClock()
  let project: ModemProject | undefined
  afterEach(async () => {
    await project?.close()
    project = undefined
  })

  it('are delivered with what came after concatTimeout (10 minutes by default)', async () => {
    project = await startModemProject({ clock })
    const { sim, received } = project
    const text = 'a'.repeat(153) + 'b'.repeat(153) + 'c'.repeat(10)
    sim.receive('+254700000009', text, { reference: 9, order: [2, 0] })
    await eventually(() => project!.link.state === 'online.ready' && sim.commands.filter((c) => c.startsWith('AT+CMGR=')).length === 2, 'both parts read')
    await clock.advance('9m')
    expect(received).toEqual([])
    await advanceUntil(clock, () => received.length === 1, 'the incomplete message', '1m')
    expect(received[0]!.text).toBe('a'.repeat(153) + 'c'.repeat(10))
    expect(received[0]!.fields).toMatchObject({ parts: 3, incomplete: true })
    await eventually(() => sim.count() === 0, 'both parts deleted')
  })
})

describe('stopping the host (Ctrl-C)', () => {
  it('does not wait for a message the unplugged modem cannot send', async () => {
    const clock = new FakeClock()
    const project = await startModemProject({ clock })
    const { pty, host, link } = project
    try {
      await pty.unplug()
      await advanceUntil(clock, () => link.state === 'reconnecting', 'the backend noticing')
      const [connection] = await host.lookupConnections('modem', ['+254700000007'])
      const sending = host.send('never sent', connection!)
      await eventually(() => link.queued === 1, 'the message waiting')
      await host.stop()
      await sending
      expect(host.backends.get('modem')!.failed).toBe(1)
      expect(link.queued).toBe(0)
    } finally {
      await project.close()
    }
  })
})
