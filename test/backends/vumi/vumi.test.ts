import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RouterServices } from '../../../src/apps/router.js'
import { BackendSendError, ConfigError } from '../../../src/core/errors.js'
import { parseVumiInbound, pythonJson, vumiInbound, VumiBackend } from '../../../src/backends/vumi/index.js'
import { AppBase, Connection, type IncomingMessage } from '../../../src/index.js'
import { useRapidTest } from '../../../src/testing/index.js'
import { startEdge, type EdgeServer } from '../../../src/web/index.js'
import { recordingServer, type RecordingServer } from '../../support/recording-server.js'

/** A message as Vumi's RapidSMS relay posts it (from RapidSMS's own tests). */
const message = {
  transport_name: 'transport',
  in_reply_to: null,
  group: null,
  from_addr: '127.0.0.1:38634',
  message_type: 'user_message',
  helper_metadata: {},
  to_addr: '0.0.0.0:8005',
  content: 'ping',
  message_version: '20110921',
  transport_type: 'telnet',
  timestamp: '2012-07-06 14:08:20.845715',
  transport_metadata: {},
  session_event: 'resume',
  message_id: '56047985ceec40da908ca064f2fd59d3',
}
const post = (body: unknown, contentType = 'text/json') => ({
  method: 'POST',
  query: '',
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  contentType,
})
/** The message as JSON bytes, its `content` string made of these raw bytes. */
const withContentBytes = (content: Uint8Array) => {
  const [before, after] = JSON.stringify({ ...message, content: '#' }).split('"#"') as [string, string]
  return Buffer.concat([Buffer.from(`${before}"`), content, Buffer.from(`"${after}`)])
}
const router = {} as RouterServices

describe('Vumi inbound (behaviour 65)', () => {
  it('a valid message: text = content, fields = the listed fields plus external_id', () => {
    expect(parseVumiInbound(post(message))).toEqual({
      ok: true,
      value: {
        identity: '127.0.0.1:38634',
        text: 'ping',
        fields: {
          message_id: '56047985ceec40da908ca064f2fd59d3',
          to_addr: '0.0.0.0:8005',
          from_addr: '127.0.0.1:38634',
          transport_name: 'transport',
          transport_type: 'telnet',
          in_reply_to: '',
          session_event: 'resume',
          content: 'ping',
          group: '',
          external_id: '56047985ceec40da908ca064f2fd59d3',
        },
      },
    })
  })

  it.each([
    ['empty', { ...message, content: '' }],
    ['null', { ...message, content: null }],
    ['missing', Object.fromEntries(Object.entries(message).filter(([k]) => k !== 'content'))],
  ])('a %s content is a valid empty text', (_, body) => {
    const parsed = parseVumiInbound(post(body))
    expect(parsed.ok && parsed.value.text).toBe('')
  })

  it('values that are not strings become text as Django makes it (Python str())', () => {
    const parsed = parseVumiInbound(post({ ...message, group: ['a', "b'c"], content: { a: 1, b: [true, null] }, session_event: false, to_addr: 2 }))
    expect(parsed.ok && parsed.value.fields).toMatchObject({ group: `['a', "b'c"]`, content: "{'a': 1, 'b': [True, None]}", session_event: 'False', to_addr: '2' })
    expect(parsed.ok && parsed.value.text).toBe("{'a': 1, 'b': [True, None]}")
    const empty = parseVumiInbound(post({ ...message, group: [], content: {} }))
    expect(empty.ok && [empty.value.fields?.group, empty.value.text]).toEqual(['', ''])
  })

  it('a value nested too deeply to write as Python text is refused, naming its field (not a stack overflow)', () => {
    const depth = 100_000
    const body = JSON.stringify({ ...message, content: '#' }).replace('"#"', `${'['.repeat(depth)}1${']'.repeat(depth)}`)
    expect(parseVumiInbound(post(body))).toEqual({ ok: false, errors: { content: 'The value is nested too deeply.' } })
    const shallow = parseVumiInbound(post({ ...message, content: [[['a']]] }))
    expect(shallow.ok && shallow.value.text).toBe("[[['a']]]")
  })

  it('a lone surrogate (a JSON escape can carry one) becomes U+FFFD, as the database would store it', () => {
    const parsed = parseVumiInbound(post(JSON.stringify({ ...message, from_addr: 'a\ud800', content: 'x\udc00y' })))
    expect(parsed.ok && [parsed.value.identity, parsed.value.text]).toEqual(['a\ufffd', 'x\ufffdy'])
  })

  it('a message_id longer than the external id the DatabaseRouter stores (1024) is refused', () => {
    expect(parseVumiInbound(post({ ...message, message_id: 'm'.repeat(1025) }))).toEqual({ ok: false, errors: { message_id: 'Ensure this value has at most 1024 characters (it has 1025).' } })
  })

  it('reads JSON whatever the content type', () => {
    expect(parseVumiInbound(post(message, 'application/x-www-form-urlencoded')).ok).toBe(true)
    expect(parseVumiInbound(post(message, undefined as never)).ok).toBe(true)
  })

  it.each(['message_id', 'to_addr', 'from_addr', 'transport_name', 'transport_type'])('without %s it is invalid, naming it', (field) => {
    expect(parseVumiInbound(post({ ...message, [field]: undefined }))).toEqual({ ok: false, errors: { [field]: 'This field is required.' } })
    expect(parseVumiInbound(post({ ...message, [field]: '  ' }))).toEqual({ ok: false, errors: { [field]: 'This field is required.' } })
  })

  it.each([
    ['invalid JSON', '{bad json, , lala}', { __all__: 'The body is not valid JSON.' }],
    ['a JSON list', '[1, 2]', { __all__: 'The body must be a JSON object.' }],
    ['an empty body', '', { __all__: 'The body is not valid JSON.' }],
    ['wrong keys', { 'invalid-phone': '1112223333', message: 'hi there' }, expect.objectContaining({ message_id: 'This field is required.' })],
    ['a from_addr over 100 characters', { ...message, from_addr: 'x'.repeat(101) }, { from_addr: 'Ensure this value has at most 100 characters (it has 101).' }],
  ])('%s is invalid', (_, body, errors) => {
    expect(parseVumiInbound(post(body))).toEqual({ ok: false, errors })
  })

  it.each([
    ['a byte that never starts UTF-8', [0x63, 0x61, 0x66, 0xff]],
    ['a Latin-1 é', [0x63, 0x61, 0x66, 0xe9]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['an overlong encoding', [0xc0, 0xaf]],
  ])('a body that is not valid UTF-8 (%s) is invalid, not read with replacement characters', (_, bytes) => {
    expect(parseVumiInbound({ ...post(message), body: withContentBytes(Buffer.from(bytes)) })).toEqual({ ok: false, errors: { __all__: 'The body is not valid UTF-8.' } })
  })

  it('a valid UTF-8 body keeps its non-ASCII text', () => {
    const parsed = parseVumiInbound({ ...post(message), body: withContentBytes(Buffer.from('café مرحبا 👋')) })
    expect(parsed.ok && parsed.value.text).toBe('café مرحبا 👋')
  })

  it('a body starting with a byte-order mark is not JSON, as for RapidSMS (json.loads of body.decode())', () => {
    expect(parseVumiInbound({ ...post(message), body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(message))]) })).toEqual({
      ok: false,
      errors: { __all__: 'The body is not valid JSON.' },
    })
  })

  it('numbers are read as text, as Django does', () => {
    const parsed = parseVumiInbound(post({ ...message, from_addr: 27821234567 }))
    expect(parsed.ok && parsed.value.identity).toBe('27821234567')
  })

  it('is POST only, answering with an empty body', () => {
    expect(vumiInbound()).toMatchObject({ methods: ['POST'], okBody: '' })
  })
})

describe('Vumi outbound (behaviour 66)', () => {
  const backend = (config: Record<string, unknown> = {}) => new VumiBackend(router, 'vumi', { sendsms_url: 'http://example.com', ...config })
  const payload = (body?: string) => JSON.parse(body!) as Record<string, unknown>

  it('needs sendsms_url', () => {
    expect(() => new VumiBackend(router, 'vumi', {})).toThrow(ConfigError)
    expect(() => new VumiBackend(router, 'vumi', {})).toThrow('"sendsms_url"')
  })

  it('a JSON POST: params merged with content, to_addr list, session_event null, metadata', () => {
    const request = backend({ sendsms_params: { transport_name: 'transport' } }).prepareRequest('ID1', 'pong', ['1112223333'], {})
    expect(request).toMatchObject({ method: 'POST', url: 'http://example.com', headers: { 'content-type': 'application/json' } })
    expect(request.body).toBe('{"transport_name": "transport", "content": "pong", "to_addr": ["1112223333"], "session_event": null, "metadata": {"rapidsms_msg_id": "ID1"}}')
  })

  it('in_reply_to = external_id only for exactly one identity', () => {
    expect(payload(backend().prepareRequest('1', 'x', ['a'], { external_id: 'ASDF1234' }).body).in_reply_to).toBe('ASDF1234')
    expect(payload(backend().prepareRequest('1', 'x', ['a', 'b'], { external_id: 'ASDF1234' }).body)).not.toHaveProperty('in_reply_to')
  })

  it('from_addr and endpoint from the context, and no other context key', () => {
    const body = payload(backend().prepareRequest('1', 'x', ['a'], { from_addr: '5551212', endpoint: '12345', other: 'not included', in_response_to: 'abc' }).body)
    expect(body).toMatchObject({ from_addr: '5551212', endpoint: '12345' })
    expect(body).not.toHaveProperty('other')
    expect(body).not.toHaveProperty('in_response_to')
  })

  it('basic auth only with both user and password', () => {
    expect(backend({ sendsms_user: 'username', sendsms_pass: 'password' }).prepareRequest('1', 'x', ['a']).headers!.authorization).toBe('Basic dXNlcm5hbWU6cGFzc3dvcmQ=')
    expect(backend({ sendsms_user: 'username' }).prepareRequest('1', 'x', ['a']).headers).not.toHaveProperty('authorization')
    // Latin-1 bytes, as requests sends them; UTF-8 beyond Latin-1.
    expect(backend({ sendsms_user: 'user', sendsms_pass: 'pässword' }).prepareRequest('1', 'x', ['a']).headers!.authorization).toBe('Basic dXNlcjpw5HNzd29yZA==')
    expect(backend({ sendsms_user: 'user', sendsms_pass: 'пароль' }).prepareRequest('1', 'x', ['a']).headers!.authorization).toBe(`Basic ${Buffer.from('user:пароль').toString('base64')}`)
  })

  it("writes JSON as Python's json.dumps does", () => {
    expect(pythonJson({ a: 'café €', b: [1, true, null], c: '"\n' })).toBe('{"a": "caf\\u00e9 \\u20ac", "b": [1, true, null], "c": "\\"\\n"}')
  })

  describe('against a recording relay', () => {
    let relay: RecordingServer
    beforeAll(async () => {
      relay = await recordingServer()
    })
    afterAll(() => relay.close())

    it('POSTs the request and accepts 200', async () => {
      relay.answer = () => ({ status: 200 })
      await backend({ sendsms_url: `${relay.url}/send/`, sendsms_user: 'u', sendsms_pass: 'p' }).send('ID1', 'pong', ['1'], { external_id: 'E1' })
      const got = relay.requests.at(-1)!
      expect(got).toMatchObject({ method: 'POST', url: '/send/', headers: { 'content-type': 'application/json', authorization: 'Basic dTpw' } })
      expect(JSON.parse(got.body)).toEqual({ content: 'pong', to_addr: ['1'], session_event: null, metadata: { rapidsms_msg_id: 'ID1' }, in_reply_to: 'E1' })
    })

    it.each([
      [400, false],
      [404, false],
      [500, true],
      [502, true],
    ])('a %i answer raises (retryable: %s)', async (status, retryable) => {
      relay.answer = () => ({ status })
      const error = (await backend({ sendsms_url: relay.url }).send('1', 'x', ['1'], {}).catch((e: unknown) => e)) as BackendSendError
      expect(error).toBeInstanceOf(BackendSendError)
      expect(error.options).toMatchObject({ status, retryable })
    })
  })
})

describe('Vumi inbound through the web edge', () => {
  class Echo extends AppBase {
    override handle(msg: IncomingMessage) {
      msg.respond(msg.text)
      return true
    }
  }
  const backends = { vumi: { engine: VumiBackend, sendsms_url: 'http://127.0.0.1:9/' } }
  let relay: RecordingServer
  beforeAll(async () => {
    relay = await recordingServer()
    backends.vumi.sendsms_url = `${relay.url}/send/`
  })
  afterAll(() => relay.close())
  const rapid = useRapidTest({ apps: [Echo], backends })
  let edge: EdgeServer
  beforeAll(async () => {
    edge = await startEdge(rapid.router, { port: 0 })
  })
  afterAll(() => edge.close())

  const post = (body: Uint8Array) => fetch(`${edge.url}/backend/vumi/`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })

  it('a body that is not valid UTF-8 -> 400 naming it, nothing received or stored', async () => {
    const sent = relay.requests.length
    const response = await post(withContentBytes(Buffer.from([0x63, 0x61, 0x66, 0xe9])))
    expect([response.status, await response.text()]).toEqual([400, 'form failed to validate\nThe body is not valid UTF-8.'])
    expect(rapid.inbound).toEqual([])
    expect(await rapid.em().count(Connection, {})).toBe(0)
    expect(relay.requests.length).toBe(sent)
  })

  it('a valid UTF-8 body -> 200, its text decoded', async () => {
    const response = await post(withContentBytes(Buffer.from('café')))
    expect([response.status, await response.text()]).toEqual([200, ''])
    expect(rapid.inbound.map((m) => m.text)).toEqual(['café'])
  })
})
