// The contract every backend keeps, one table of cases run against each (as the bus
// contract test does for buses, and courier's handlertest for its channels): sending to one
// identity and to several, passing a reply's context on, telling a temporary gateway failure
// from a permanent one, and, with an inbound view, parsing a valid request and refusing one
// that lacks a field, naming it.
import { isMainThread } from 'node:worker_threads'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { isRetryable } from '../../actors/backend.actor.js'
import {
  AppBase,
  BackendMessage,
  BackendSendError,
  Connection,
  DatabaseBackend,
  HttpBackend,
  KannelBackend,
  VumiBackend,
  type IncomingMessage,
} from '../../src/index.js'
import { useRapidTest, type RapidTest } from '../../src/testing/index.js'
import { createEdge } from '../../src/web/index.js'
import { ModemBackend } from '../../src/backends/modem/index.js'
import { ModemSimulator } from '../support/modem-simulator.js'
import { ptyPair, type PtyPair } from '../support/pty.js'
import { recordingServer, type RecordedRequest, type RecordingServer } from '../support/recording-server.js'

/** What reached a gateway: one entry per request, row or PDU the backend made, read back in its format. */
interface Delivery {
  identities: string[]
  text: string
  /** The reply context the format carries, under the router's names. */
  context: { in_response_to?: string; external_id?: string }
}

/** What reached a backend's gateway since the test began. */
type Delivered = (rapid: RapidTest) => Promise<Delivery[]>

/** An HTTP request to the web edge. */
interface EdgeRequest {
  path: string
  init?: RequestInit
}

type BackendSettings = { engine: unknown; [key: string]: unknown }

interface BackendCase {
  /** The backend's name in the settings. */
  backend: string
  /**
   * Its settings (the harness adds `mockbackend` by itself), given the recording server's
   * URL; made before the host starts, so a backend may first start its own peer (a modem
   * simulator on a pty), which `close` stops after the tests.
   */
  settings?: (gatewayUrl: string) => BackendSettings | Promise<BackendSettings>
  close?: () => Promise<void>
  /** Forget what reached the gateway before this test (the recording server is emptied for all). */
  reset?: () => void
  /** One gateway request per identity, or one for all the message's identities. */
  perRequest: 'identity' | 'message'
  /** Which of a reply's context the format carries on. */
  carries: (keyof Delivery['context'])[]
  delivered: Delivered
  /**
   * Make the gateway's next answer to this backend a failure, temporary (worth retrying) or
   * permanent; returns what the BackendSendError says of it (an HTTP gateway: its status).
   */
  failNext?: (kind: 'temporary' | 'permanent') => Partial<BackendSendError['options']>
  /** The backend's inbound view on the edge: a valid request, and requests each missing one field. */
  inbound?: { valid: EdgeRequest; okBody: string; identity: string; text: string; missing: Record<string, EdgeRequest> }
}


// Quoting must survive every format: form and query encoding, JSON, the database.
const TEXT = 'Hello & good+bye = 100% café ✓'
const PHONES = ['+254700000001', '+254700000002', '+254700000003']

let server: RecordingServer
/** The next answer for requests under a path: a status to fail with. */
const failures = new Map<string, number>()
const FAILURE_STATUS = { temporary: 503, permanent: 400 }

/** The requests a gateway backend sent under `path` (its own part of the recording server). */
function requestsTo(path: string): RecordedRequest[] {
  return server.requests.filter((r) => r.url.startsWith(path))
}

/** A gateway on the recording server, under `path`, whose requests `read` turns into deliveries. */
function httpGateway(path: string, read: (request: RecordedRequest) => Delivery): Pick<BackendCase, 'delivered' | 'failNext'> {
  return {
    delivered: async () => requestsTo(path).map(read),
    failNext: (kind) => {
      failures.set(path, FAILURE_STATUS[kind])
      return { status: FAILURE_STATUS[kind] }
    },
  }
}

const query = (request: RecordedRequest) => new URLSearchParams(request.url.slice(request.url.indexOf('?') + 1))
const json = (body: unknown): RequestInit => ({ method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })

/** A message as Vumi's RapidSMS relay posts it (RapidSMS's own test message). */
const VUMI_MESSAGE = {
  transport_name: 'transport',
  in_reply_to: null,
  group: null,
  from_addr: '127.0.0.1:38634',
  message_type: 'user_message',
  to_addr: '0.0.0.0:8005',
  content: 'ping',
  transport_type: 'telnet',
  session_event: 'resume',
  message_id: '56047985ceec40da908ca064f2fd59d3',
}
const withoutField = (field: keyof typeof VUMI_MESSAGE) => {
  const { [field]: _, ...rest } = VUMI_MESSAGE
  return { path: '/backend/vumi/', init: json(rest) }
}

/** The modem's gateway: a simulated GSM modem on the other end of a pseudo-terminal. */
let modem: { pty: PtyPair; sim: ModemSimulator } | undefined

const ALL_CASES: BackendCase[] = [
  {
    backend: 'mockbackend',
    perRequest: 'message',
    carries: ['in_response_to', 'external_id'],
    delivered: async (rapid) =>
      rapid.sentMessages.filter((m) => m.backend === 'mockbackend').map((m) => ({ identities: m.identities, text: m.text, context: m.context as Delivery['context'] })),
  },
  {
    backend: 'database',
    settings: () => ({ engine: DatabaseBackend }),
    perRequest: 'identity',
    carries: ['external_id'],
    delivered: async (rapid) =>
      (await rapid.em().find(BackendMessage, { name: 'database' }, { orderBy: { id: 'asc' } })).map((row) => ({
        identities: [row.identity],
        text: row.text,
        context: row.externalId ? { external_id: row.externalId } : {},
      })),
  },
  {
    backend: 'http',
    settings: (url) => ({ engine: HttpBackend, sendsms_url: `${url}/http/send`, sendsms_params: { key: 'k1' }, retries: 1, retry_delay_ms: 0 }),
    perRequest: 'identity',
    carries: [],
    ...httpGateway('/http/', (request) => {
      const form = new URLSearchParams(request.body)
      expect(form.get('key')).toBe('k1')
      return { identities: [form.get('identity')!], text: form.get('text')!, context: {} }
    }),
    inbound: {
      valid: { path: '/backend/http/?identity=%2B254711111111&text=hi+there' },
      okBody: 'OK',
      identity: '+254711111111',
      text: 'hi there',
      missing: { identity: { path: '/backend/http/?text=hi' }, text: { path: '/backend/http/?identity=1' } },
    },
  },
  {
    backend: 'kannel',
    settings: (url) => ({ engine: KannelBackend, sendsms_url: `${url}/kannel/cgi-bin/sendsms`, sendsms_params: { smsc: 'FAKE', from: '789' }, charset: 'UTF-8', retries: 1, retry_delay_ms: 0 }),
    perRequest: 'message',
    carries: [],
    ...httpGateway('/kannel/', (request) => {
      const params = query(request)
      expect([params.get('smsc'), params.get('from'), params.get('charset')]).toEqual(['FAKE', '789', 'UTF-8'])
      return { identities: params.get('to')!.split(' '), text: params.get('text')!, context: {} }
    }),
    inbound: {
      valid: { path: '/backend/kannel/?id=%2B254711111111&text=hi+there&charset=UTF-8&coding=0' },
      // Empty: Kannel would send any text back to the phone.
      okBody: '',
      identity: '+254711111111',
      text: 'hi there',
      missing: { id: { path: '/backend/kannel/?text=hi&charset=UTF-8&coding=0' }, text: { path: '/backend/kannel/?id=1&charset=UTF-8&coding=0' } },
    },
  },
  {
    backend: 'vumi',
    settings: (url) => ({ engine: VumiBackend, sendsms_url: `${url}/vumi/send/`, retries: 1, retry_delay_ms: 0 }),
    perRequest: 'message',
    carries: ['external_id'],
    ...httpGateway('/vumi/', (request) => {
      const body = JSON.parse(request.body) as { to_addr: string[]; content: string; in_reply_to?: string }
      return { identities: body.to_addr, text: body.content, context: body.in_reply_to === undefined ? {} : { external_id: body.in_reply_to } }
    }),
    inbound: {
      valid: { path: '/backend/vumi/', init: json(VUMI_MESSAGE) },
      okBody: '',
      identity: '127.0.0.1:38634',
      text: 'ping',
      missing: Object.fromEntries((['message_id', 'to_addr', 'from_addr', 'transport_name', 'transport_type'] as const).map((field) => [field, withoutField(field)])),
    },
  },
  {
    // A real serial line (socat's pty pair) to the simulator, which decodes each SMS-SUBMIT
    // PDU it accepts. Its gateway failures are +CMS ERROR codes; the modem's own send queue
    // retries the temporary ones on its clock (test/backends/modem/send-queue.test.ts), so
    // what reaches the backend actor is final: no failNext row here. No inbound view either:
    // messages arrive over the serial line (test/backends/modem/receive.test.ts).
    backend: 'modem',
    settings: async () => {
      const pty = await ptyPair()
      modem = { pty, sim: await ModemSimulator.open(pty.dce) }
      return { engine: ModemBackend, port: pty.dte }
    },
    close: async () => {
      await modem?.sim.close()
      await modem?.pty.close()
    },
    reset: () => void modem?.sim.sent.splice(0),
    perRequest: 'identity',
    carries: [],
    delivered: async () => modem!.sim.sent.map((submit) => ({ identities: [submit.to], text: submit.text, context: {} })),
  },
]

// serialport's native binding cannot run in a worker thread (V8 aborts the process): the
// modem row runs where vitest gives each file a process (npm test), not in the mutation
// runs' threads.
const CASES = isMainThread ? ALL_CASES : ALL_CASES.filter((c) => c.backend !== 'modem')

/** Answers "ping" with "pong"; records every message it sees (filter runs for all). */
const seen: { backend: string; identity: string; text: string }[] = []
class Replier extends AppBase {
  override filter(msg: IncomingMessage) {
    seen.push({ backend: msg.connections[0]!.backend.name, identity: msg.connections[0]!.identity, text: msg.text })
    return false
  }
  override handle(msg: IncomingMessage) {
    if (msg.text !== 'ping') return false
    msg.respond('pong')
    return true
  }
}

const backends: Record<string, BackendSettings> = {}
beforeAll(async () => {
  server = await recordingServer()
  server.answer = (request) => {
    const path = [...failures.keys()].find((p) => request.url.startsWith(p))
    if (path !== undefined) {
      const status = failures.get(path)!
      failures.delete(path)
      return { status, body: status >= 500 ? 'try again later' : 'bad request' }
    }
    return request.url.startsWith('/kannel/') ? { status: 202, body: '0: Accepted for delivery' } : { status: 200, body: 'OK' }
  }
  for (const c of CASES) if (c.settings) backends[c.backend] = await c.settings(server.url)
})
afterAll(async () => {
  for (const c of CASES) await c.close?.()
  await server?.close()
})

const rapid = useRapidTest({ apps: [Replier], backends })
beforeEach(() => {
  server.requests.length = 0
  failures.clear()
  seen.length = 0
  for (const c of CASES) c.reset?.()
})

describe.each(CASES)('the $backend backend', (row) => {
  const delivered = () => row.delivered(rapid)
  const expected = (identities: string[], text: string, context: Delivery['context'] = {}): Delivery[] =>
    row.perRequest === 'message' ? [{ identities, text, context }] : identities.map((identity) => ({ identities: [identity], text, context }))
  /** Deliveries in a stable order (a backend may send its per-identity requests concurrently). */
  const sorted = (deliveries: Delivery[]) => [...deliveries].sort((a, b) => a.identities.join().localeCompare(b.identities.join()))

  it('sends a message to one identity: its text reaches the gateway for that identity', async () => {
    await rapid.send(TEXT, await rapid.lookupConnections([PHONES[0]!], row.backend))
    expect(await delivered()).toEqual(expected([PHONES[0]!], TEXT))
  })

  it('sends a message to several identities, as its format says (one request each, or one for all)', async () => {
    await rapid.send(TEXT, await rapid.lookupConnections(PHONES, row.backend))
    expect(sorted(await delivered())).toEqual(expected(PHONES, TEXT))
  })

  it("passes a reply's context on (in_response_to, external_id), as far as its format carries it", async () => {
    const [phone] = await rapid.lookupConnections([PHONES[1]!], row.backend)
    const msg = await rapid.receive('ping', phone!, { external_id: 'EXT-7' })
    const context = { in_response_to: msg.id, external_id: 'EXT-7' }
    expect(await delivered()).toEqual(expected([PHONES[1]!], 'pong', Object.fromEntries(row.carries.map((key) => [key, context[key]]))))
  })

  const failNext = row.failNext
  if (failNext) {
    const actor = () => rapid.router.backends.get(row.backend)!
    it.each(['temporary', 'permanent'] as const)('a %s gateway failure (HTTP: 503, 400) is a BackendSendError, retried only when temporary', async (kind) => {
      const says = failNext(kind)
      const error = await Promise.resolve(actor().backend.send('m1', TEXT, [PHONES[0]!], {})).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(BackendSendError)
      expect((error as BackendSendError).options).toMatchObject(says)
      expect(isRetryable(error)).toBe(kind === 'temporary')
      // Through the backend actor (one retry allowed): a temporary failure is tried again and sent.
      server.requests.length = 0
      failNext(kind)
      expect(await actor().deliver('m2', TEXT, [PHONES[0]!], {})).toBe(kind === 'temporary')
      expect(await delivered()).toEqual(kind === 'temporary' ? [...expected([PHONES[0]!], TEXT), ...expected([PHONES[0]!], TEXT)] : expected([PHONES[0]!], TEXT))
    })
  }

  const inbound = row.inbound
  if (inbound) {
    it('its inbound view hands a valid request to the router as the identity and text', async () => {
      const response = await createEdge(rapid.router).app.request(inbound.valid.path, inbound.valid.init)
      expect([response.status, await response.text()]).toEqual([200, inbound.okBody])
      expect(seen).toEqual([{ backend: row.backend, identity: inbound.identity, text: inbound.text }])
    })

    it.each(Object.entries(inbound.missing))('its inbound view refuses a request without %s, naming it, and stores nothing', async (field, request) => {
      const response = await createEdge(rapid.router).app.request(request.path, request.init)
      expect([response.status, await response.text()]).toEqual([400, `form failed to validate\n${field}: This field is required.`])
      expect(seen).toEqual([])
      expect(await rapid.em().count(Connection, {})).toBe(0)
    })
  }
})
