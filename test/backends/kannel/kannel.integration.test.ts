import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppBase, DeliveryReport, KannelBackend, type IncomingMessage } from '../../../src/index.js'
import { useRapidTest } from '../../../src/testing/index.js'
import { startEdge, type EdgeServer } from '../../../src/web/index.js'
import { DbMessage, Transmission } from '../../../src/runtime/routing/database/index.js'
import { freePort, Kannel, kannelAvailable, SENDSMS_USER } from '../../support/kannel.js'

/** ping -> pong; anything else is sent back as it came. */
class PingEcho extends AppBase {
  override handle(msg: IncomingMessage) {
    msg.respond(msg.text === 'ping' ? 'pong' : msg.text)
    return true
  }
}

const NAME = 'kannel-fake-smsc'
const ucs2 = (text: string) => [...Buffer.from(text, 'utf16le').swap16()].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('')
/** fakesmsc prints a UCS-2 MT as the url-encoded UTF-16BE bytes. */
function fromUcs2(data: string): string {
  const bytes: number[] = []
  for (let i = 0; i < data.length; i++) {
    if (data[i] === '%') {
      bytes.push(parseInt(data.slice(i + 1, i + 3), 16))
      i += 2
    } else bytes.push(data[i] === '+' ? 0x20 : data.charCodeAt(i))
  }
  return Buffer.from(bytes).swap16().toString('utf16le')
}

/**
 * A real Kannel (bearerbox, smsbox, fakesmsc) whose get-url and delivery reports reach a
 * RapidTest's edge, for the tests of one describe block.
 */
function kannelProject(options: { router?: 'database'; backend?: Record<string, unknown> } = {}) {
  const kannel = new Kannel()
  const backend: Record<string, unknown> = { engine: KannelBackend }
  let port: number
  beforeAll(async () => {
    port = await freePort()
    await kannel.start({ getUrl: `http://127.0.0.1:${port}/backend/${NAME}/?id=%p&text=%a&charset=%C&coding=%c` }, new Set([port]))
    Object.assign(backend, {
      sendsms_url: kannel.sendsmsUrl,
      sendsms_params: { smsc: 'FAKE', from: '789', ...SENDSMS_USER },
      delivery_report_url: `http://127.0.0.1:${port}`,
      ...options.backend,
    })
  }, 60_000)
  afterAll(() => kannel.stop(), 30_000)
  const rapid = useRapidTest({ router: options.router, apps: [PingEcho], backends: { [NAME]: backend as { engine: unknown } } })
  let edge: EdgeServer
  beforeAll(async () => {
    edge = await startEdge(rapid.router, { port })
  })
  afterAll(() => edge.close())
  return { kannel, rapid }
}

describe.skipIf(!kannelAvailable())('against a real Kannel with its fake SMSC', () => {
  const { kannel, rapid } = kannelProject({ backend: { coding: 'auto' } })

  it('ping typed into fakesmsc reaches us and pong comes back out of it; both delivery reports are stored', async () => {
    kannel.mo('123 789 text ping')
    const lines = await kannel.mtLines((l) => l.includes('789 123 text pong'))
    expect(lines).toContain('789 123 text pong')
    expect(rapid.inbound.map((m) => [m.connections[0]!.backend.name, m.connections[0]!.identity, m.text])).toEqual([[NAME, '123', 'ping']])
    const reply = rapid.outbound[0]!
    const deadline = Date.now() + 10_000
    while ((await rapid.em().count(DeliveryReport, {})) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    const reports = await rapid.em().find(DeliveryReport, {}, { orderBy: { status: 'asc' } })
    expect(reports.map((r) => [r.messageId, r.status, r.identity, r.smsc])).toEqual([
      [reply.id, 1, '123', 'FAKE'],
      [reply.id, 8, '123', 'FAKE'],
    ])
  })

  it('an accented text comes back as it went', async () => {
    kannel.mo('123 789 text héllo wörld')
    const lines = await kannel.mtLines((l) => l.includes('789 123 text héllo wörld'))
    expect(rapid.inbound.map((m) => m.text)).toEqual(['héllo wörld'])
    expect(lines).toContain('789 123 text héllo wörld')
  })

  it.each([
    ['typed as UTF-8 text', '123 789 text مرحبا كيف'],
    ['sent as UCS-2', `123 789 ucs2 ${ucs2('مرحبا كيف')}`],
  ])('an Arabic text %s comes back as UCS-2 with the same text', async (_, line) => {
    const before = (await kannel.mtLines(() => true)).length
    kannel.mo(line)
    const lines = await kannel.mtLines((l) => l.length > before)
    expect(rapid.inbound.map((m) => m.text)).toEqual(['مرحبا كيف'])
    const [from, to, type, ...data] = lines[before]!.split(' ')
    expect([from, to, type]).toEqual(['789', '123', 'ucs-2'])
    expect(fromUcs2(data.join(' '))).toBe('مرحبا كيف')
  })
})

describe.skipIf(!kannelAvailable())('against a real Kannel, with the DatabaseRouter', () => {
  const { kannel, rapid } = kannelProject({ router: 'database' })

  it("ping is stored and received (R), pong is stored, sent and, once Kannel's delivery report comes, delivered (D)", async () => {
    kannel.mo('123 789 text ping')
    expect(await kannel.mtLines((l) => l.includes('789 123 text pong'))).toContain('789 123 text pong')
    const deadline = Date.now() + 10_000
    const reply = () => rapid.em().findOne(DbMessage, { direction: 'O', text: 'pong' })
    while ((await reply())?.status !== 'D' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    const rows = await rapid.em().find(DbMessage, {}, { orderBy: { id: 'asc' } })
    expect(rows.map((r) => [r.direction, r.text, r.status])).toEqual([
      ['I', 'ping', 'R'],
      ['O', 'pong', 'D'],
    ])
    expect(rows[1]!.delivered).toBeInstanceOf(Date)
    const transmissions = await rapid.em().find(Transmission, { message: rows[1]!.id }, { populate: ['connection'] })
    expect(transmissions.map((t) => [t.connection.identity, t.status])).toEqual([['123', 'D']])
    // Kannel reported on the row id the backend was given.
    expect((await rapid.em().find(DeliveryReport, {})).map((r) => r.messageId)).toEqual([String(rows[1]!.id), String(rows[1]!.id)])
  })
})
