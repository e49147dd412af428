import { describe, expect, it } from 'vitest'
import { encodeSubmit } from '../../../src/backends/modem/index.js'
import { AppBase, type IncomingMessage } from '../../../src/index.js'
import { DbMessage, Transmission } from '../../../src/runtime/routing/database/index.js'
import { FakeClock } from '../../../src/testing/index.js'
import { advanceUntil, eventually, MODEM, useModemProject } from '../../support/modem-project.js'

const EXTENDED = 'Price: 5€ [net] {ok} ~x^2 | a\\b'
const LONG_ARABIC = 'مرحبا بكم في خدمة الرسائل '.repeat(7)

/** Answers `ext` with extension characters, `long` with a long Arabic text, anything else with "got <text>". */
class Replier extends AppBase {
  override handle(msg: IncomingMessage) {
    msg.respond(msg.text === 'ext' ? EXTENDED : msg.text === 'long' ? LONG_ARABIC : `got ${msg.text}`)
    return true
  }
}

describe('sending through a modem on a pty', () => {
  const modem = useModemProject({ apps: [Replier] })

  it('a GSM 7-bit reply with extension characters, as one PDU', async () => {
    const { sim } = modem.project
    sim.receive('+254700000001', 'ext')
    await eventually(() => sim.sent.length === 1, 'the reply')
    const [sent] = sim.sent
    expect(sent).toMatchObject({ to: '+254700000001', text: EXTENDED, encoding: 'gsm7', requestStatusReport: true })
    // TP-UDL: extension characters cost two septets each (an escape and their code).
    const udlAt = (1 + 1 + 1 + 1 + 1 + 6 + 1 + 1) * 2
    expect(parseInt(sent!.pdu.slice(udlAt, udlAt + 2), 16)).toBe(EXTENDED.length + EXTENDED.match(/[€[\]{}~^|\\]/g)!.length)
    expect(sent!.pdu).toBe(encodeSubmit({ to: '+254700000001', text: EXTENDED, requestStatusReport: true })[0]!.pdu)
    expect(sim.commands).toContain(`AT+CMGS=${sent!.tpduLength}`)
  })

  it('a long UCS-2 reply in parts of 67 characters, one concatenation reference', async () => {
    const { sim } = modem.project
    sim.sent.splice(0)
    sim.receive('+254700000002', 'long')
    await eventually(() => sim.sent.length === 3, 'three parts')
    expect(sim.sent.map((p) => p.encoding)).toEqual(['ucs2', 'ucs2', 'ucs2'])
    expect(sim.sent.map((p) => p.text.length)).toEqual([67, 67, LONG_ARABIC.length - 134])
    expect(sim.sent.map((p) => p.text).join('')).toBe(LONG_ARABIC)
    const [ref] = sim.sent.map((p) => p.concat!.reference)
    expect(sim.sent.map((p) => p.concat)).toEqual([1, 2, 3].map((sequence) => ({ reference: ref, total: 3, sequence })))
  })
})

describe('delivery reports with the DatabaseRouter', () => {
  const modem = useModemProject({ apps: [Replier], router: 'database' })

  it('a status report marks the transmission delivered (D)', async () => {
    const { sim, host } = modem.project
    sim.receive('+254700000003', 'hi')
    await eventually(() => sim.sent.length === 1, 'the reply')
    const em = () => host.db.orm.em.fork()
    const reply = await eventually(async () => {
      const row = await em().findOne(DbMessage, { direction: 'O', text: 'got hi' })
      return row?.status === 'D' && row
    }, 'the reply delivered')
    const transmissions = await em().find(Transmission, { message: reply.id }, { populate: ['connection'] })
    expect(transmissions.map((t) => [t.connection.identity, t.status])).toEqual([['+254700000003', 'D']])
    expect(transmissions[0]!.delivered).toBeInstanceOf(Date)
  })

  it('a part the network refuses for good fails its transmission (E), naming the code', async () => {
    const { sim, host } = modem.project
    sim.sent.splice(0)
    sim.cmgsErrors.push(21)
    sim.receive('+254700000004', 'refused')
    const em = () => host.db.orm.em.fork()
    const reply = await eventually(async () => {
      const row = await em().findOne(DbMessage, { direction: 'O', text: 'got refused' })
      return row?.status === 'E' && row
    }, 'the reply failed')
    const transmissions = await em().find(Transmission, { message: reply.id })
    expect(transmissions.map((t) => t.status)).toEqual(['E'])
    expect(sim.sent).toEqual([])
    expect(host.backends.get(MODEM)!.failed).toBe(1)
  })
})

describe('temporary errors and a modem that goes away (time moved by hand)', () => {
  const clock = new FakeClock()
  const modem = useModemProject({ apps: [Replier], clock })

  it('+CMS ERROR: 500, then the part is sent again after the retry delay', async () => {
    const { sim } = modem.project
    sim.cmgsErrors.push(500)
    sim.receive('+254700000005', 'retry me')
    await eventually(() => sim.commands.filter((c) => c.startsWith('AT+CMGS=')).length === 1, 'the first attempt')
    await eventually(() => modem.project.link.retrying === 1, 'the part waiting to be sent again')
    expect(sim.sent).toEqual([])
    await clock.advance('5s')
    await eventually(() => sim.sent.length === 1, 'the part sent on the second attempt')
    expect(sim.sent[0]).toMatchObject({ to: '+254700000005', text: 'got retry me' })
    expect(sim.commands.filter((c) => c.startsWith('AT+CMGS=')).length).toBe(2)
  })

  it('unplugged (the pty closed) and back: reconnects and sends what waited', async () => {
    const { sim, pty, host, link } = modem.project
    sim.sent.splice(0)
    await pty.unplug()
    // The port closing, or else the keepalive's AT going unanswered, tells the backend.
    await advanceUntil(clock, () => link.state === 'reconnecting', 'the backend noticing')
    const [connection] = await host.lookupConnections(MODEM, ['+254700000006'])
    const sending = host.send('sent while unplugged', connection!)
    await eventually(() => link.queued === 1, 'the message waiting')
    await pty.plug()
    await sim.attach(pty.dce)
    await advanceUntil(clock, () => sim.sent.length === 1, 'the message sent after reconnecting', '1s')
    await sending
    expect(sim.sent.map((p) => [p.to, p.text])).toEqual([['+254700000006', 'sent while unplugged']])
    expect(link.state).toMatch(/^online\./)
    // Initialised again: echo off, PDU mode, indications.
    expect(sim.commands.filter((c) => c === 'ATE0').length).toBe(2)
  })
})
