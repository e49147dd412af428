import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { RouterServices } from '../../../src/apps/router.js'
import { BackendSendError, ConfigError } from '../../../src/core/errors.js'
import { HttpBackend } from '../../../src/backends/http/index.js'
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

  it('when some identities fail, the error names only those', async () => {
    provider.answer = (r) => ({ status: r.body.includes('identity=222') ? 503 : 200 })
    const backend = new HttpBackend(router, 'provider', { sendsms_url: provider.url })
    const error = (await backend.send('1', 'x', ['111', '222'], {}).catch((e: unknown) => e)) as BackendSendError
    expect(error).toBeInstanceOf(BackendSendError)
    expect(error.options).toMatchObject({ failedIdentities: ['222'], retryable: true })
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
