import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { RouterServices } from '../../../src/apps/router.js'
import { BackendSendError, ConfigError } from '../../../src/core/errors.js'
import { HttpBackend } from '../../../src/backends/http/index.js'
import { gatewayRequest, MAX_SOCKETS_PER_GATEWAY } from '../../../src/backends/http/client.js'
import { recordingServer, type RecordingServer } from '../../support/recording-server.js'

const router = {} as RouterServices

describe('generic HTTP outbound against a recording provider', () => {
  let provider: RecordingServer
  beforeAll(async () => {
    provider = await recordingServer()
  })
  beforeEach(() => {
    provider.requests.length = 0
    provider.answer = () => ({ status: 200, body: 'OK' })
  })
  afterAll(() => provider.close())

  it('POSTs a form per identity with the params and the configured names', async () => {
    const backend = new HttpBackend(router, 'provider', {
      sendsms_url: `${provider.url}/send`,
      sendsms_params: { key: 'k 1' },
      identity_name: 'phone',
      text_name: 'message',
    })
    await backend.send('1', 'héllo world', ['111', '222'], {})
    expect(provider.requests.map((r) => [r.method, r.url, r.headers['content-type'], r.body]).sort()).toEqual([
      ['POST', '/send', 'application/x-www-form-urlencoded', 'key=k+1&phone=111&message=h%C3%A9llo+world'],
      ['POST', '/send', 'application/x-www-form-urlencoded', 'key=k+1&phone=222&message=h%C3%A9llo+world'],
    ])
  })

  it('GET puts the form in the query; basic auth when user and password are set', async () => {
    const backend = new HttpBackend(router, 'provider', { sendsms_url: `${provider.url}/send?account=7`, sendsms_method: 'get', sendsms_user: 'u', sendsms_pass: 'p' })
    await backend.send('1', 'pong', ['111'], {})
    expect(provider.requests[0]).toMatchObject({ method: 'GET', url: '/send?account=7&identity=111&text=pong', headers: { authorization: 'Basic dTpw' } })
  })

  it('a URL with a query per message reaches the gateway as URL parsing sends it: a plain query as it is, another percent-encoded', async () => {
    for (const query of ['?to=111&text=a+b', '?to=222&text=c%20d', "?to=3 3&text=\"é'<>\"#fragment", '?']) await gatewayRequest('provider', { method: 'GET', url: `${provider.url}/send${query}` })
    await gatewayRequest('provider', { method: 'GET', url: `${provider.url}/a/../send?to=444` })
    expect(provider.requests.map((r) => r.url)).toEqual(['/send?to=111&text=a+b', '/send?to=222&text=c%20d', '/send?to=3%203&text=%22%C3%A9%27%3C%3E%22', '/send', '/send?to=444'])
  })

  it('when some identities fail, the error names only those', async () => {
    provider.answer = (r) => ({ status: r.body.includes('identity=222') ? 503 : 200 })
    const backend = new HttpBackend(router, 'provider', { sendsms_url: provider.url })
    const error = (await backend.send('1', 'x', ['111', '222'], {}).catch((e: unknown) => e)) as BackendSendError
    expect(error).toBeInstanceOf(BackendSendError)
    expect(error.options).toMatchObject({ failedIdentities: ['222'], retryable: true })
  })

  it('sends many identities over a few kept-alive connections, at most MAX_SOCKETS_PER_GATEWAY at once', async () => {
    let connections = 0
    let open = 0
    let most = 0
    const server = createServer((req, res) => {
      open++
      most = Math.max(most, open)
      req.resume()
      req.on('end', () =>
        setTimeout(() => {
          open--
          res.end('OK')
        }, 5),
      )
    })
    server.on('connection', () => connections++)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const backend = new HttpBackend(router, 'provider', { sendsms_url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/send` })
      const identities = Array.from({ length: 300 }, (_, i) => String(1000 + i))
      await backend.send('1', 'x', identities, {})
      await backend.send('2', 'y', identities, {})
      expect(most).toBe(MAX_SOCKETS_PER_GATEWAY)
      expect(connections).toBe(MAX_SOCKETS_PER_GATEWAY)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('a gateway that does not answer in timeout_ms is a retryable timeout; one that is not there a retryable connection error', async () => {
    provider.answer = () => ({ status: 200, delayMs: 300 })
    const slow = (await new HttpBackend(router, 'provider', { sendsms_url: provider.url, timeout_ms: 50 }).send('1', 'x', ['1'], {}).catch((e: unknown) => e)) as BackendSendError
    expect(slow.message).toBe(`provider: no answer from ${provider.url}/ within 50 ms`)
    expect(slow.options.retryable).toBe(true)
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const refused = (await new HttpBackend(router, 'provider', { sendsms_url: `http://127.0.0.1:${port}/send` }).send('1', 'x', ['1'], {}).catch((e: unknown) => e)) as BackendSendError
    expect(refused.message).toBe(`provider: cannot reach http://127.0.0.1:${port}/send: ECONNREFUSED`)
    expect(refused.options.retryable).toBe(true)
  })

  it('without sendsms_url it can only receive', async () => {
    const error = (await new HttpBackend(router, 'provider', {}).send('1', 'x', ['1'], {}).catch((e: unknown) => e)) as BackendSendError
    expect(error.options.retryable).toBe(false)
    expect(error.message).toMatch(/only receive/)
  })

  it.each([
    [{ sendsms_method: 'PUT' }, 'sendsms_method'],
    [{ sendsms_url: 'nope' }, 'sendsms_url'],
    [{ sendsms_params: [] }, 'sendsms_params'],
    [{ sendsms_user: 5 }, 'sendsms_user'],
  ])('%j is a setting error naming %s', (config, key) => {
    expect(() => new HttpBackend(router, 'provider', config)).toThrow(ConfigError)
    expect(() => new HttpBackend(router, 'provider', config)).toThrow(`"${key}"`)
  })
})
