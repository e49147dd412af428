import { connect } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  AppBase,
  BackendMessage,
  Connection,
  DatabaseBackend,
  DeliveryReport,
  genericHttpInbound,
  HttpBackend,
  KannelBackend,
  VumiBackend,
  type IncomingMessage,
} from '../../src/index.js'
import { useRapidTest } from '../../src/testing/index.js'
import { startEdge, type EdgeServer } from '../../src/web/index.js'
import { captureLogs } from '../support/logs.js'
import { recordingServer, type RecordingServer } from '../support/recording-server.js'
import { captured } from '../backends/kannel/fixtures.js'

/** Answers every message with its own text; "boom" throws (behaviour 19). */
class Echo extends AppBase {
  override handle(msg: IncomingMessage) {
    if (msg.text === 'boom') throw new Error('boom')
    msg.respond(msg.text)
    return true
  }
}

const backends = {
  http: { engine: DatabaseBackend, inbound: genericHttpInbound },
  custom: { engine: HttpBackend, identity_name: 'phone', text_name: 'message', sendsms_url: 'http://127.0.0.1:9/' },
  kannel: { engine: KannelBackend, sendsms_url: 'http://127.0.0.1:9/', sendsms_params: { from: '789' }, charset: 'UTF-8' },
  vumi: { engine: VumiBackend, sendsms_url: 'http://127.0.0.1:9/' },
  secret: { engine: DatabaseBackend, inbound: genericHttpInbound, shared_secret: 's3cret' },
  lan_only: { engine: DatabaseBackend, inbound: genericHttpInbound, allowed_ips: ['10.0.0.0/8', '::1'] },
  local_only: { engine: DatabaseBackend, inbound: genericHttpInbound, allowed_ips: '127.0.0.1/32, 10.1.1.1' },
  vumi_auth: { engine: VumiBackend, sendsms_url: 'http://127.0.0.1:9/', inbound_username: 'relay', inbound_password: 'pw' },
  'sms gateway': { engine: DatabaseBackend, inbound: genericHttpInbound },
}

let gateway: RecordingServer
beforeAll(async () => {
  gateway = await recordingServer()
  backends.custom.sendsms_url = `${gateway.url}/provider`
  backends.kannel.sendsms_url = `${gateway.url}/cgi-bin/sendsms`
  backends.vumi.sendsms_url = `${gateway.url}/send/`
  backends.vumi_auth.sendsms_url = `${gateway.url}/send/`
})
afterAll(() => gateway.close())

const rapid = useRapidTest({ apps: [Echo], backends, settings: { web: { bodyLimit: 4096 } } })
let edge: EdgeServer
beforeAll(async () => {
  edge = await startEdge(rapid.router, { port: 0 })
})
afterAll(() => edge.close())
beforeEach(() => {
  gateway.requests.length = 0
  gateway.answer = (r) => (r.url.startsWith('/cgi-bin') ? { status: 202, body: '0: Accepted for delivery' } : { status: 200, body: 'OK' })
})

const call = (path: string, init: RequestInit = {}) => fetch(`${edge.url}${path}`, init)
const form = (body: string) => ({ method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
const answer = async (response: Response) => [response.status, await response.text()] as const
/** Nothing reached the router and no connection was created. */
const nothingStored = async () => {
  expect(rapid.inbound).toEqual([])
  expect(await rapid.em().count(Connection, {})).toBe(0)
}

describe('generic HTTP backend view (section J)', () => {
  it('GET -> 200 OK, the message from (backend, identity), the reply through the backend of that name (56, 58)', async () => {
    expect(await answer(await call('/backend/http/?identity=1112223333&text=hi+there'))).toEqual([200, 'OK'])
    expect(rapid.inbound.map((m) => [m.text, m.connections[0]!.backend.name, m.connections[0]!.identity])).toEqual([['hi there', 'http', '1112223333']])
    const rows = await rapid.em().find(BackendMessage, {})
    expect(rows.map((r) => [r.name, r.identity, r.text, r.direction])).toEqual([['http', '1112223333', 'hi there', 'O']])
  })

  it('POST of a form -> 200 OK (56)', async () => {
    expect(await answer(await call('/backend/http/', form('identity=1112223333&text=hi+there')))).toEqual([200, 'OK'])
    expect(rapid.inbound).toHaveLength(1)
  })

  it('POST of a multipart form works too', async () => {
    const body = new FormData()
    body.set('identity', '1')
    body.set('text', 'multi')
    expect((await call('/backend/http/', { method: 'POST', body })).status).toBe(200)
    expect(rapid.inbound[0]!.text).toBe('multi')
  })

  it.each([
    ['without its boundary', 'multipart/form-data', 'identity=1&text=x', 'The body is not a valid multipart form: its Content-Type has no boundary.'],
    ['that is urlencoded text', 'multipart/form-data; boundary=abc', 'identity=1&text=x', 'The body is not a valid multipart form.'],
    ['cut before its closing boundary', 'multipart/form-data; boundary=abc', '--abc\r\nContent-Disposition: form-data; name="text"\r\n\r\nx\r\n--abc', 'The body is not a valid multipart form.'],
  ])('a multipart body %s -> 400 saying so, nothing stored', async (_, contentType, body, line) => {
    const logs = captureLogs('warn')
    expect(await answer(await call('/backend/http/', { method: 'POST', body, headers: { 'content-type': contentType } }))).toEqual([400, `form failed to validate\n${line}`])
    logs.stop()
    expect(logs.lines.find((l) => l.msg === 'form failed to validate')).toMatchObject({ backend: 'http' })
    await nothingStored()
  })

  it('a multipart form over web.bodyLimit sent in chunks -> 413, nothing stored', async () => {
    const part = `--abc\r\nContent-Disposition: form-data; name="text"\r\n\r\n${'x'.repeat(5000)}\r\n--abc--\r\n`
    const response = await rawRequest([
      'POST /backend/http/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary=abc\r\nTransfer-Encoding: chunked\r\n\r\n',
      `${part.length.toString(16)}\r\n${part}\r\n0\r\n\r\n`,
    ])
    expect(response).toMatch(/^HTTP\/1\.1 413 /)
    await nothingStored()
  })

  it.each(['PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'])('%s -> 405 naming the allowed methods, nothing received (56)', async (method) => {
    const response = await call('/backend/http/?identity=1&text=x', { method })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, POST')
    await nothingStored()
  })

  it.each([
    ['wrong names', '?invalid-phone=1112223333&message=hi+there', ['text: This field is required.', 'identity: This field is required.']],
    ['a blank text', '?identity=1&text=++', ['text: This field is required.']],
    ['an over-long identity', `?identity=${'1'.repeat(101)}&text=x`, ['identity: Ensure this value has at most 100 characters (it has 101).']],
  ])('%s -> 400 "form failed to validate" naming the field, nothing stored (57, 59)', async (_, query, lines) => {
    const logs = captureLogs('warn')
    const [status, body] = await answer(await call(`/backend/http/${query}`))
    logs.stop()
    expect(status).toBe(400)
    expect(body.split('\n')).toEqual(['form failed to validate', ...lines])
    expect(logs.lines.find((l) => l.msg === 'form failed to validate')).toMatchObject({ backend: 'http' })
    await nothingStored()
  })

  it('custom parameter names; the reply goes to the provider under the same names (57, 58)', async () => {
    expect(await answer(await call('/backend/custom/', form('phone=1112223333&message=hi')))).toEqual([200, 'OK'])
    expect(gateway.requests.map((r) => [r.url, r.body])).toEqual([['/provider', 'phone=1112223333&message=hi']])
    expect((await call('/backend/custom/', form('identity=1112223333&text=hi'))).status).toBe(400)
  })

  it('trims text and identity before routing (60)', async () => {
    await call('/backend/http/?identity=+44+&text=++echo+hi++')
    expect(rapid.inbound.map((m) => [m.connections[0]!.identity, m.text])).toEqual([['44', 'echo hi']])
  })

  it('an app that throws does not fail the request (19)', async () => {
    expect(await answer(await call('/backend/http/?identity=1&text=boom'))).toEqual([200, 'OK'])
  })

  it('creates a phone\'s connection on its first message and routes its next ones on the same one', async () => {
    for (const text of ['one', 'two']) expect(await answer(await call(`/backend/http/?identity=5550001&text=${text}`))).toEqual([200, 'OK'])
    const rows = await rapid.em().find(Connection, {}, { populate: ['backend'] })
    expect(rows.map((c) => [c.backend.name, c.identity])).toEqual([['http', '5550001']])
    expect(rapid.inbound.map((m) => [m.connections[0]!.id, m.text])).toEqual([
      [rows[0]!.id, 'one'],
      [rows[0]!.id, 'two'],
    ])
  })

  it('serves a backend whose name is not a plain path segment at its URL-encoded path', async () => {
    expect(await answer(await call('/backend/sms%20gateway/?identity=1&text=hi'))).toEqual([200, 'OK'])
    expect(rapid.inbound.map((m) => [m.connections[0]!.backend.name, m.text])).toEqual([['sms gateway', 'hi']])
  })

  it('answers without the trailing slash too; unknown backends and backends without a view are 404', async () => {
    expect((await call('/backend/http?identity=1&text=x')).status).toBe(200)
    expect((await call('/backend/nope/?identity=1&text=x')).status).toBe(404)
    expect((await call('/backend/mockbackend/?identity=1&text=x')).status).toBe(404)
  })

  it('a body over web.bodyLimit -> 413, nothing stored', async () => {
    expect((await call('/backend/http/', form(`identity=1&text=${'x'.repeat(5000)}`))).status).toBe(413)
    await nothingStored()
  })

  /** Send raw bytes over one TCP connection, in parts with a pause between; resolve with the response. */
  const rawRequest = (parts: string[]) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(new URL(edge.url).port as unknown as number, '127.0.0.1')
      let response = ''
      socket.on('data', (d) => (response += d.toString()))
      socket.on('end', () => resolve(response))
      socket.on('error', reject)
      socket.on('connect', async () => {
        for (const part of parts) {
          socket.write(part)
          await new Promise((r) => setTimeout(r, 50))
        }
      })
    })
  const head = (extra: string) => `POST /backend/http/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\n${extra}\r\n`

  it('reads a body that arrives in parts after its headers', async () => {
    const body = 'identity=1&text=slow+client'
    const response = await rawRequest([head(`Content-Length: ${body.length}\r\n`), body.slice(0, 10), body.slice(10)])
    expect(response).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nOK$/)
    expect(rapid.inbound.map((m) => m.text)).toEqual(['slow client'])
  })

  it('a body cut off before its Content-Length is refused (400, a warning, not an error), nothing stored', async () => {
    const logs = captureLogs('warn')
    await new Promise<void>((resolve, reject) => {
      const socket = connect(new URL(edge.url).port as unknown as number, '127.0.0.1')
      socket.on('connect', () => socket.end(`${head('Content-Length: 100\r\n')}identity=1&text=cut`))
      socket.on('close', () => resolve())
      socket.on('error', reject)
      socket.resume()
    })
    await expect.poll(() => logs.lines.find((l) => l.msg === 'form failed to validate')).toMatchObject({ backend: 'http', errors: { __all__: 'The body was cut off after 19 bytes.' } })
    logs.stop()
    expect(logs.lines.filter((l) => l.level >= 50)).toEqual([])
    await nothingStored()
  })

  it.each([
    ['a Content-Length that is not a number', 'Content-Length: 12x\r\n', 400, 'The request is not valid HTTP: Invalid character in Content-Length.'],
    ['both Content-Length and Transfer-Encoding', 'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n', 400, "The request is not valid HTTP: Transfer-Encoding can't be present with Content-Length."],
    ['headers over 16 KB', `X-Padding: ${'p'.repeat(20_000)}\r\n`, 431, 'The request is not valid HTTP: Header overflow.'],
  ])('%s -> %i with a line saying what was wrong, nothing stored', async (_, extra, status, line) => {
    const response = await rawRequest([head(extra)])
    expect(response).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `))
    expect(response.split('\r\n\r\n')[1]).toBe(`${line}\n`)
    await nothingStored()
  })

  it('bytes that are not HTTP after a whole request: its answer first, then the 400', async () => {
    const response = await rawRequest(['GET /backend/http/?identity=1&text=first HTTP/1.1\r\nHost: x\r\n\r\nnot http at all\r\n\r\n'])
    expect(response).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nOKHTTP\/1\.1 400 Bad Request\r\n[\s\S]*The request is not valid HTTP: /)
    expect(rapid.inbound.map((m) => m.text)).toEqual(['first'])
  })

  it('a chunked body over web.bodyLimit -> 413, nothing stored', async () => {
    const chunk = `identity=1&text=${'x'.repeat(3000)}`
    const chunked = (data: string) => `${data.length.toString(16)}\r\n${data}\r\n`
    const response = await rawRequest([head('Transfer-Encoding: chunked\r\n'), chunked(chunk), chunked('y'.repeat(3000)), '0\r\n\r\n'])
    expect(response).toMatch(/^HTTP\/1\.1 413 /)
    await nothingStored()
  })
})

describe('Kannel backend view (section K)', () => {
  const replay = (label: string) => captured.mo[label]!.requestline!.split(' ')[1]!.replace('/backend/kannel-fake-smsc/', '/backend/kannel/')

  it.each([
    ['ascii', 'ping'],
    ['utf8-in-text', 'héllo'],
    ['arabic-ucs2', 'مرحبا'],
    ['latin-ucs2', 'héllo'],
  ])('a captured %s request -> 200 with an empty body, the text decoded, the reply sent to sendsms (61, 62)', async (label, text) => {
    expect(await answer(await call(replay(label)))).toEqual([200, ''])
    expect(rapid.inbound.map((m) => [m.connections[0]!.identity, m.text])).toEqual([['123', text]])
    const sendsms = new URL(gateway.requests[0]!.url, gateway.url).searchParams
    expect(Object.fromEntries(sendsms)).toEqual({ from: '789', to: '123', text, coding: '0', charset: 'UTF-8' })
  })

  it('POST -> 405; missing text -> 400 (61)', async () => {
    expect((await call('/backend/kannel/?id=1&text=x', { method: 'POST' })).status).toBe(405)
    const [status, body] = await answer(await call('/backend/kannel/?id=1112223333'))
    expect([status, body]).toEqual([400, 'form failed to validate\ntext: This field is required.'])
    await nothingStored()
  })

  it('a delivery report is stored and answered 200 with an empty body (64)', async () => {
    const query = 'message_id=ID1&identity=123&status=1&status_text=Success&smsc=FAKE&sms_id=b44f4cfb-9a8c-4dd0-9c5f-c60875b09fd4&date_sent=2026-11-27+10:59:25'
    expect(await answer(await call(`/kannel/delivery-report/?${query}`))).toEqual([200, ''])
    const [report] = await rapid.em().find(DeliveryReport, {})
    expect(report).toMatchObject({ messageId: 'ID1', identity: '123', status: 1, statusText: 'Success', smsc: 'FAKE', dateSent: new Date('2026-11-27T10:59:25Z') })
  })

  it('the delivery reports captured from Kannel are all stored', async () => {
    for (const line of captured.dlr_callbacks) {
      expect((await call(`/kannel/delivery-report/?${line.split(' ')[1]!.split('?')[1]}`)).status).toBe(200)
    }
    const reports = await rapid.em().find(DeliveryReport, {}, { orderBy: { id: 'asc' } })
    expect(reports.map((r) => [r.messageId, r.status, r.statusText])).toEqual([
      ['42', 8, 'ACK/'],
      ['42', 1, ''],
      ['43', 16, 'NACK/no SMSC'],
    ])
  })

  it.each([
    ['status 3', 'status=3', 'status: Select a valid choice. 3 is not one of the available choices.'],
    ['an sms_id of 37 characters', `sms_id=${'x'.repeat(37)}`, 'sms_id: Ensure this value has at most 36 characters (it has 37).'],
  ])('%s -> 400, nothing stored (64)', async (_, change, line) => {
    const fields = new URLSearchParams('message_id=ID1&identity=123&status=1&status_text=x&smsc=FAKE&sms_id=abc&date_sent=2026-11-27+10:59:25')
    const [key, value] = change.split('=') as [string, string]
    fields.set(key, value)
    const [status, body] = await answer(await call(`/kannel/delivery-report/?${fields}`))
    expect([status, body]).toEqual([400, `form failed to validate\n${line}`])
    expect(await rapid.em().count(DeliveryReport, {})).toBe(0)
  })

  it('a delivery report with a missing field -> 400; POST -> 405', async () => {
    expect((await call('/kannel/delivery-report/?message_id=ID1&status=1')).status).toBe(400)
    expect((await call('/kannel/delivery-report/', { method: 'POST', body: 'x' })).status).toBe(405)
    expect(await rapid.em().count(DeliveryReport, {})).toBe(0)
  })
})

describe('Vumi backend view (section L)', () => {
  const message = {
    transport_name: 'transport',
    in_reply_to: null,
    from_addr: '127.0.0.1:38634',
    to_addr: '0.0.0.0:8005',
    content: 'ping',
    transport_type: 'telnet',
    session_event: 'resume',
    message_id: '56047985ceec40da908ca064f2fd59d3',
  }
  const post = (body: unknown, path = '/backend/vumi/', headers: Record<string, string> = {}) =>
    call(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'text/json', ...headers } })

  it('POST JSON -> 200 empty; fields with external_id; the reply answers it with in_reply_to (65, 66)', async () => {
    expect(await answer(await post(message))).toEqual([200, ''])
    expect(rapid.inbound[0]!.fields).toMatchObject({ external_id: message.message_id, in_reply_to: '', group: '', session_event: 'resume' })
    const sent = JSON.parse(gateway.requests[0]!.body) as Record<string, unknown>
    expect(sent).toMatchObject({ content: 'ping', to_addr: ['127.0.0.1:38634'], in_reply_to: message.message_id, session_event: null })
  })

  it('reads the JSON body whatever the content type says, multipart included, as RapidSMS reads request.body', async () => {
    expect(await answer(await post(message, '/backend/vumi/', { 'content-type': 'multipart/form-data' }))).toEqual([200, ''])
    expect(rapid.inbound.map((m) => m.text)).toEqual(['ping'])
  })

  it('GET -> 405; invalid JSON or missing fields -> 400, nothing stored (65)', async () => {
    expect((await call('/backend/vumi/')).status).toBe(405)
    expect(await answer(await post('{bad json, , lala}'))).toEqual([400, 'form failed to validate\nThe body is not valid JSON.'])
    expect((await post({ content: 'hi' })).status).toBe(400)
    await nothingStored()
  })
})

describe('inbound protection', () => {
  it('a shared secret in the header or the query lets the request in', async () => {
    expect((await call('/backend/secret/?identity=1&text=a', { headers: { 'x-rapidsms-secret': 's3cret' } })).status).toBe(200)
    expect((await call('/backend/secret/?identity=1&text=b&secret=s3cret')).status).toBe(200)
    expect(rapid.inbound.map((m) => m.text)).toEqual(['a', 'b'])
  })

  it.each([
    ['no secret', '/backend/secret/?identity=1&text=x', {}, 401],
    ['a wrong secret', '/backend/secret/?identity=1&text=x&secret=guess', {}, 401],
    ['a wrong header', '/backend/secret/?identity=1&text=x', { 'x-rapidsms-secret': 'S3CRET' }, 401],
    ['an address outside allowed_ips', '/backend/lan_only/?identity=1&text=x', {}, 403],
  ])('%s -> %i, logged, nothing stored', async (_, path, headers, status) => {
    const logs = captureLogs('warn')
    const response = await call(path, { headers })
    logs.stop()
    expect(response.status).toBe(status)
    expect(logs.lines.find((l) => l.msg === 'request refused')).toMatchObject({ status, ip: expect.stringContaining('127.0.0.1') })
    await nothingStored()
  })

  it('an address inside allowed_ips gets in', async () => {
    expect((await call('/backend/local_only/?identity=1&text=x')).status).toBe(200)
  })

  it('basic auth for a Vumi relay: 401 with a challenge without it', async () => {
    const body = { message_id: 'm', to_addr: 't', from_addr: 'f', transport_name: 'n', transport_type: 'sms', content: 'hi' }
    const refused = await call('/backend/vumi_auth/', { method: 'POST', body: JSON.stringify(body) })
    expect(refused.status).toBe(401)
    expect(refused.headers.get('www-authenticate')).toBe('Basic realm="rapidsms"')
    const auth = { authorization: `Basic ${Buffer.from('relay:pw').toString('base64')}` }
    expect((await call('/backend/vumi_auth/', { method: 'POST', body: JSON.stringify(body), headers: auth })).status).toBe(200)
  })
})

describe('the edge itself', () => {
  it('/health answers with the host counters', async () => {
    const response = await call('/health')
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ status: 'ok', received: expect.any(Number), sent: expect.any(Number) })
  })

  it('lists the routes it serves', () => {
    expect(edge.routes.backends).toEqual(['/backend/http/', '/backend/custom/', '/backend/kannel/', '/backend/vumi/', '/backend/secret/', '/backend/lan_only/', '/backend/local_only/', '/backend/vumi_auth/', '/backend/sms%20gateway/'])
    expect(edge.routes.endpoints).toEqual(['/kannel/delivery-report/'])
  })

  it('logs one line per request', async () => {
    const logs = captureLogs('info')
    await call('/backend/http/?identity=1&text=x')
    logs.stop()
    expect(logs.lines.find((l) => l.name === 'rapidsms.web' && l.msg === 'request')).toMatchObject({ method: 'GET', path: '/backend/http/', status: 200 })
  })
})
