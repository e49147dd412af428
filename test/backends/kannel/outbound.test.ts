import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BackendSendError, ConfigError } from '../../../src/core/errors.js'
import { buildSendsmsRequest, encodeText, fitsGsm7, kannelOptions, KannelBackend } from '../../../src/backends/kannel/index.js'
import type { RouterServices } from '../../../src/apps/router.js'
import { recordingServer, type RecordingServer } from '../../support/recording-server.js'
import { captured } from './fixtures.js'

const config = {
  sendsms_url: 'http://127.0.0.1:13013/cgi-bin/sendsms',
  sendsms_params: { smsc: 'usb0-modem', from: '+SIMphonenumber', username: 'rapidsms', password: 'CHANGE-ME' },
  coding: 0,
  charset: 'ascii',
  encode_errors: 'ignore',
}
const router = {} as RouterServices
const params = (url: string) => Object.fromEntries(new URL(url).searchParams)
const query = (url: string) => url.slice(url.indexOf('?') + 1)

describe('Kannel outbound (behaviours 62, 63)', () => {
  it('a GET to sendsms with the configured params, to, text, coding and charset, in that order', () => {
    const request = new KannelBackend(router, 'kannel', config).prepareRequest('1', 'hello world', ['1112223333'])
    expect(request.method).toBe('GET')
    expect(request.url).toBe(
      'http://127.0.0.1:13013/cgi-bin/sendsms?smsc=usb0-modem&from=%2BSIMphonenumber&username=rapidsms&password=CHANGE-ME&to=1112223333&text=hello+world&coding=0&charset=ascii',
    )
  })

  it('joins identities with single spaces', () => {
    expect(params(buildSendsmsRequest(kannelOptions(config), '1', 'x', ['123', '456']).url).to).toBe('123 456')
  })

  it('defaults: local sendsms, ascii with errors ignored (café ok -> caf ok), coding 0', () => {
    const url = new KannelBackend(router, 'kannel', {}).prepareRequest('1', 'café ok', ['1']).url
    expect(url).toBe('http://127.0.0.1:13013/cgi-bin/sendsms?to=1&text=caf+ok&coding=0&charset=ascii')
  })

  it('encodes the text in the charset (UTF-8 bytes percent-encoded)', () => {
    const url = buildSendsmsRequest(kannelOptions({ charset: 'UTF-8' }), '1', 'héllo €', ['1']).url
    expect(query(url)).toBe('to=1&text=h%C3%A9llo+%E2%82%AC&coding=0&charset=UTF-8')
  })

  it.each([
    ['ignore', 'caf ok'],
    ['replace', 'caf? ok'],
    ['xmlcharrefreplace', 'caf&#233; ok'],
    ['backslashreplace', 'caf\\xe9 ok'],
  ])('encode_errors %s: café ok -> %s', (errors, expected) => {
    expect(encodeText('café ok', 'ascii', errors as never).toString('latin1')).toBe(expected)
  })

  it('encode_errors strict refuses the message without retrying', () => {
    expect(() => encodeText('café', 'ascii', 'strict')).toThrow(BackendSendError)
    try {
      encodeText('café', 'ascii', 'strict')
    } catch (error) {
      expect((error as BackendSendError).options.retryable).toBe(false)
    }
  })

  it('latin-1, cp1252 and UTF-16 encode as Python does', () => {
    expect([...encodeText('é€', 'latin-1', 'replace')]).toEqual([0xe9, 0x3f])
    expect([...encodeText('é€', 'cp1252', 'strict')]).toEqual([0xe9, 0x80])
    expect([...encodeText('م', 'utf-16-be', 'strict')]).toEqual([0x06, 0x45])
    expect([...encodeText('a', 'utf-16', 'strict')]).toEqual([0xff, 0xfe, 0x61, 0x00])
  })

  it("with delivery_report_url: dlr-mask=31 and a dlr-url to the delivery-report view (63)", () => {
    const url = buildSendsmsRequest(kannelOptions({ ...config, delivery_report_url: 'http://localhost:8000' }), 'ID1', 'hi', ['1']).url
    expect(params(url)['dlr-mask']).toBe('31')
    expect(params(url)['dlr-url']).toBe(
      'http://localhost:8000/kannel/delivery-report/?message_id=ID1&status=%d&status_text=%A&smsc=%i&sms_id=%I&date_sent=%t&identity=%p',
    )
    expect(query(url)).toContain(
      '&dlr-mask=31&dlr-url=http%3A%2F%2Flocalhost%3A8000%2Fkannel%2Fdelivery-report%2F%3Fmessage_id%3DID1%26status%3D%25d%26status_text%3D%25A%26smsc%3D%25i%26sms_id%3D%25I%26date_sent%3D%25t%26identity%3D%25p',
    )
  })

  it("a backend's shared secret rides on the dlr-url", () => {
    const url = buildSendsmsRequest(kannelOptions({ delivery_report_url: 'http://h', shared_secret: 's3cret' }), 'ID1', 'hi', ['1']).url
    expect(params(url)['dlr-url']).toMatch(/&identity=%p&secret=s3cret$/)
  })

  it("coding 'auto': 0 when the text fits GSM 7-bit, else 2 (UCS-2), charset UTF-8", () => {
    const options = kannelOptions({ coding: 'auto' })
    expect(params(buildSendsmsRequest(options, '1', 'héllo {ok}', ['1']).url)).toMatchObject({ coding: '0', charset: 'UTF-8' })
    expect(params(buildSendsmsRequest(options, '1', 'مرحبا', ['1']).url)).toMatchObject({ coding: '2', text: 'مرحبا' })
    expect(fitsGsm7('Ça coûte 5€')).toBe(false)
  })

  it.each([
    [{ coding: 7 }, 'coding'],
    [{ charset: 'klingon' }, 'charset'],
    [{ encode_errors: 'shout' }, 'encode_errors'],
    [{ sendsms_url: 'not a url' }, 'sendsms_url'],
    [{ sendsms_params: 'smsc=FAKE' }, 'sendsms_params'],
    [{ delivery_report_url: 'localhost' }, 'delivery_report_url'],
    [{ timeout_ms: -1 }, 'timeout_ms'],
  ])('%j is a setting error naming %s', (bad, key) => {
    expect(() => new KannelBackend(router, 'kannel', bad)).toThrow(ConfigError)
    expect(() => new KannelBackend(router, 'kannel', bad)).toThrow(`"${key}"`)
  })
})

describe('Kannel send() against a recording sendsms', () => {
  let gateway: RecordingServer
  let backend: KannelBackend
  beforeAll(async () => {
    gateway = await recordingServer()
    backend = new KannelBackend(router, 'kannel', { ...config, sendsms_url: `${gateway.url}/cgi-bin/sendsms` })
  })
  afterAll(() => gateway.close())

  it("Kannel's 202 answers are success", async () => {
    const [status, body] = captured.sendsms_answers.plain!
    gateway.answer = () => ({ status, body })
    await backend.send('1', 'hello', ['123'], {})
    expect(gateway.requests.at(-1)!.url).toBe(
      '/cgi-bin/sendsms?smsc=usb0-modem&from=%2BSIMphonenumber&username=rapidsms&password=CHANGE-ME&to=123&text=hello&coding=0&charset=ascii',
    )
    gateway.answer = () => ({ status: 202, body: '3: Queued for later delivery' })
    await backend.send('2', 'hello', ['123'], {})
  })

  it.each(['bad-auth', 'bad-to', 'no-to', 'unknown-smsc'])("Kannel's %s answer raises, not retryable", async (label) => {
    const [status, body] = captured.sendsms_answers[label]!
    gateway.answer = () => ({ status, body })
    const error = await backend.send('1', 'x', ['123'], {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BackendSendError)
    expect((error as BackendSendError).options).toMatchObject({ status, retryable: false })
    expect((error as Error).message).toContain(body)
    expect((error as Error).message).not.toContain('CHANGE-ME')
  })

  const prefix = '/cgi-bin/sendsms?smsc=usb0-modem&from=%2BSIMphonenumber&username=rapidsms&password=CHANGE-ME&to=123&'
  it.each([
    [{ encode_errors: 'replace', charset: 'ascii', coding: 1 }, 'café ok', 'text=caf%3F+ok&coding=1&charset=ascii'],
    [{ encode_errors: 'replace', charset: 'latin-1', coding: 1 }, 'café €', 'text=caf%E9+%3F&coding=1&charset=latin-1'],
    [{ encode_errors: 'xmlcharrefreplace', charset: 'ascii', coding: 0 }, 'café', 'text=caf%26%23233%3B&coding=0&charset=ascii'],
    [{ encode_errors: 'strict', charset: 'WINDOWS-1252', coding: 1 }, '“café” €', 'text=%93caf%E9%94+%80&coding=1&charset=WINDOWS-1252'],
    [{ encode_errors: 'strict', charset: 'UTF-16BE', coding: 2 }, 'مر', 'text=%06E%061&coding=2&charset=UTF-16BE'],
    [{ charset: 'UTF-8', coding: '2' }, 'é€', 'text=%C3%A9%E2%82%AC&coding=2&charset=UTF-8'],
  ])('a backend configured with %j sends %j as %s', async (settings, text, expected) => {
    gateway.answer = () => ({ status: 202, body: '0: Accepted for delivery' })
    const configured = new KannelBackend(router, 'kannel', { ...config, ...settings, sendsms_url: `${gateway.url}/cgi-bin/sendsms` })
    await configured.send('1', text, ['123'], {})
    expect(gateway.requests.at(-1)!.url).toBe(`${prefix}${expected}`)
  })

  it("encode_errors 'strict': a text the charset cannot hold is refused, not retried, and never reaches Kannel", async () => {
    gateway.answer = () => ({ status: 202, body: '0: Accepted for delivery' })
    const strict = new KannelBackend(router, 'kannel', { ...config, encode_errors: 'strict', sendsms_url: `${gateway.url}/cgi-bin/sendsms` })
    const sent = gateway.requests.length
    const error = (await strict.send('1', 'café', ['123'], {}).catch((e: unknown) => e)) as BackendSendError
    expect(error).toBeInstanceOf(BackendSendError)
    expect(error.options.retryable).toBe(false)
    expect(error.message).toContain("'ascii' codec can't encode character '\\u00e9' in position 3")
    expect(gateway.requests.length).toBe(sent)
  })

  it('a 5xx raises a retryable error', async () => {
    gateway.answer = () => ({ status: 503, body: 'busy' })
    const error = (await backend.send('1', 'x', ['123'], {}).catch((e: unknown) => e)) as BackendSendError
    expect(error.options).toMatchObject({ status: 503, retryable: true })
  })

  it('a timeout raises a retryable error', async () => {
    const slow = new KannelBackend(router, 'kannel', { sendsms_url: gateway.url, timeout_ms: 50 })
    gateway.answer = () => ({ status: 202, delayMs: 500 })
    const error = (await slow.send('1', 'x', ['123'], {}).catch((e: unknown) => e)) as BackendSendError
    expect(error.options.retryable).toBe(true)
    expect(error.message).toMatch(/within 50 ms/)
  })
})
