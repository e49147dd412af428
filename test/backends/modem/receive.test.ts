import { describe, expect, it } from 'vitest'
import { AppBase, type IncomingMessage } from '../../../src/index.js'
import { eventually, useModemProject } from '../../support/modem-project.js'

class Quiet extends AppBase {
  override handle(_msg: IncomingMessage) {
    return true
  }
}

describe('receiving through a modem on a pty', () => {
  const modem = useModemProject({
    apps: [Quiet],
    before: (sim) => {
      sim.preload('+254700000003', 'stored before start')
      sim.preload('+254700000004', 'second [x] €')
    },
  })

  it('reads the messages already on the SIM at start, and deletes them once committed', async () => {
    const { received, sim } = modem.project
    await eventually(() => received.length === 2, 'the two stored messages')
    // Two conversations: handed in together, processed concurrently.
    expect(received.map((m) => [m.connections[0]!.identity, m.text]).sort()).toEqual([
      ['+254700000003', 'stored before start'],
      ['+254700000004', 'second [x] €'],
    ])
    await eventually(() => sim.count() === 0, 'the SIM emptied')
    expect(sim.commands.slice(0, 8)).toEqual(['ATZ', 'ATE0', 'AT+CMEE=1', 'AT+CPIN?', 'AT+CMGF=0', 'AT+CPMS="SM","SM","SM"', 'AT+CNMI=2,1,0,1,0', 'AT+CMGL=4'])
  })

  it('a single-part message announced by +CMTI', async () => {
    const { received, sim } = modem.project
    sim.receive('+254700000001', 'hello from the modem [x] €')
    await eventually(() => received.length === 1, 'the message')
    expect(received[0]!.text).toBe('hello from the modem [x] €')
    expect(received[0]!.connections[0]!.identity).toBe('+254700000001')
    expect(received[0]!.fields).toMatchObject({ smsc: '+15550000000', parts: 1 })
    await eventually(() => sim.count() === 0, 'the message deleted')
    expect(sim.commands).toContain('AT+CMGR=1')
    expect(sim.commands).toContain('AT+CMGD=1')
  })

  it('a three-part message whose parts arrive out of order', async () => {
    const { received, sim } = modem.project
    const text = 'A'.repeat(153) + 'B'.repeat(153) + 'C'.repeat(20)
    sim.receive('+254700000002', text, { reference: 7, order: [2, 0, 1] })
    await eventually(() => received.length === 1, 'the long message')
    expect(received[0]!.text).toBe(text)
    expect(received[0]!.fields).toMatchObject({ parts: 3 })
    await eventually(() => sim.count() === 0, 'all three parts deleted')
  })

  it('Arabic in UCS-2', async () => {
    const { received, sim } = modem.project
    sim.receive('+254700000005', 'مرحبا بالعالم', { ucs2: true })
    await eventually(() => received.length === 1, 'the message')
    expect(received[0]!.text).toBe('مرحبا بالعالم')
  })
})
