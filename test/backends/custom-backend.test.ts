// The custom backend of docs/backends.md, as written there, served by the edge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppBase, BackendBase, ConfigError, type BackendConfig, type BackendContext, type IncomingMessage, type InboundView } from 'rapidsms'
import { gatewayRequest, requestTimeout, decodeForm, cleanChar, type FieldErrors } from 'rapidsms/backends/http'
import { useRapidTest } from '../../src/testing/index.js'
import { startEdge, type EdgeServer } from '../../src/web/index.js'
import { recordingServer, type RecordingServer } from '../support/recording-server.js'

/** A provider that POSTs `from` and `body`, and takes JSON to send. */
class AcmeBackend extends BackendBase {
  static inbound = (_config: BackendConfig): InboundView => ({
    methods: ['GET'],
    okBody: '',
    parse(request) {
      const data = decodeForm(request.query)
      const errors: FieldErrors = {}
      const identity = cleanChar(errors, 'from', data.get('from'), { maxLength: 100 })
      const text = cleanChar(errors, 'body', data.get('body'))
      if (identity === undefined || text === undefined) return { ok: false, errors }
      return { ok: true, value: { identity, text, fields: { external_id: data.get('id') ?? '' } } }
    },
  })

  declare url: string
  declare timeoutMs: number

  override configure(config: BackendConfig) {
    if (typeof config.url !== 'string') throw new ConfigError('url', 'expected the URL of the Acme API')
    this.url = config.url
    this.timeoutMs = requestTimeout(config)
  }

  override async send(id: string, text: string, identities: string[], context: BackendContext) {
    await gatewayRequest(
      this.name,
      { method: 'POST', url: this.url, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: identities, text, ref: id, reply_to: context.external_id }) },
      this.timeoutMs,
    )
  }
}

class Pong extends AppBase {
  override handle(msg: IncomingMessage) {
    msg.respond('pong')
    return true
  }
}

const acme: Record<string, unknown> = { engine: AcmeBackend, url: 'http://127.0.0.1:9/' }
let api: RecordingServer
beforeAll(async () => {
  api = await recordingServer()
  acme.url = `${api.url}/send`
})
afterAll(() => api.close())
const rapid = useRapidTest({ apps: [Pong], backends: { acme: acme as { engine: unknown } } })
let edge: EdgeServer
beforeAll(async () => {
  edge = await startEdge(rapid.router, { port: 0 })
})
afterAll(() => edge.close())

describe('a custom backend written as docs/backends.md shows', () => {
  it('receives through its view and sends through its send()', async () => {
    const response = await fetch(`${edge.url}/backend/acme/?from=555&body=ping&id=X9`)
    expect([response.status, await response.text()]).toEqual([200, ''])
    expect(JSON.parse(api.requests[0]!.body)).toEqual({ to: ['555'], text: 'pong', ref: rapid.outbound[0]!.id, reply_to: 'X9' })
    const bad = await fetch(`${edge.url}/backend/acme/?from=555`)
    expect([bad.status, await bad.text()]).toEqual([400, 'form failed to validate\nbody: This field is required.'])
  })
})
