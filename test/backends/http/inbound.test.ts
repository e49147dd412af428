import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/core/errors.js'
import { genericHttpInbound, parseGenericHttp, type InboundRequest } from '../../../src/backends/http/index.js'

const get = (query: string): InboundRequest => ({ method: 'GET', query, body: new Uint8Array() })
const post = (body: string, contentType = 'application/x-www-form-urlencoded', query = ''): InboundRequest => ({
  method: 'POST',
  query,
  body: Buffer.from(body),
  contentType,
})

describe('generic HTTP inbound form (section J)', () => {
  it('reads identity and text from the query of a GET (56, 57)', () => {
    expect(parseGenericHttp(get('identity=1112223333&text=hi+there'))).toEqual({ ok: true, value: { identity: '1112223333', text: 'hi there' } })
  })

  it('reads them from the urlencoded body of a POST, not its query (56)', () => {
    expect(parseGenericHttp(post('identity=1112223333&text=hi%20there'))).toEqual({ ok: true, value: { identity: '1112223333', text: 'hi there' } })
    expect(parseGenericHttp(post('', undefined, 'identity=1&text=x')).ok).toBe(false)
  })

  it("reads a POST form in the charset its Content-Type declares, as Django does", () => {
    expect(parseGenericHttp(post('identity=1&text=caf%E9', 'application/x-www-form-urlencoded; charset=iso-8859-1'))).toEqual({ ok: true, value: { identity: '1', text: 'café' } })
    expect(parseGenericHttp(post('identity=1&text=%93hi%94', 'application/x-www-form-urlencoded;charset="windows-1251"'))).toEqual({ ok: true, value: { identity: '1', text: '“hi”' } })
    // The same decoder as Kannel's texts: Windows-1252 by its table, Latin-1 as Python's latin-1.
    expect(parseGenericHttp(post('identity=1&text=%93hi%94+%80', 'application/x-www-form-urlencoded; charset=windows-1252'))).toEqual({ ok: true, value: { identity: '1', text: '“hi” €' } })
    expect(parseGenericHttp(post('identity=1&text=%93hi', 'application/x-www-form-urlencoded; charset=iso-8859-1'))).toEqual({ ok: true, value: { identity: '1', text: '\u0093hi' } })
    expect(parseGenericHttp(post('identity=1&text=caf%C3%A9', 'application/x-www-form-urlencoded; charset=UTF-8'))).toEqual({ ok: true, value: { identity: '1', text: 'café' } })
  })

  it('a charset it cannot decode is refused naming it, where Django would read UTF-8 into replacement characters', () => {
    expect(parseGenericHttp(post('identity=1&text=caf%E9', 'application/x-www-form-urlencoded; charset=x-unknown'))).toEqual({
      ok: false,
      errors: { __all__: 'The charset "x-unknown" is not one this server can decode.' },
    })
  })

  it('a POST body that is not a form is refused saying so; an empty one is a form without fields', () => {
    expect(parseGenericHttp(post('{"identity":"1","text":"x"}', 'application/json'))).toEqual({
      ok: false,
      errors: { __all__: 'The body is "application/json", not a form: send application/x-www-form-urlencoded or multipart/form-data.' },
    })
    expect(parseGenericHttp({ method: 'POST', query: '', body: Buffer.from('identity=1&text=x') })).toMatchObject({ errors: { __all__: expect.stringContaining('of no declared type') } })
    expect(parseGenericHttp(post('', 'text/plain'))).toEqual({ ok: false, errors: { text: 'This field is required.', identity: 'This field is required.' } })
  })

  it('a multipart POST reads the text fields the edge parsed, or refuses with its reason', () => {
    const multipart = (parsed: InboundRequest['multipart']) => ({ ...post('...', 'multipart/form-data; boundary=x'), multipart: parsed })
    expect(parseGenericHttp(multipart({ ok: true, fields: new Map([['identity', ' 1 '], ['text', 'hi']]) }))).toEqual({ ok: true, value: { identity: '1', text: 'hi' } })
    expect(parseGenericHttp(multipart({ ok: false, reason: 'The body is not a valid multipart form.' }))).toEqual({ ok: false, errors: { __all__: 'The body is not a valid multipart form.' } })
  })

  it('custom parameter names replace the defaults, which are then refused (57)', () => {
    const view = genericHttpInbound({ identity_name: 'phone', text_name: 'message' })
    expect(view.parse(get('phone=1112223333&message=hi+there'))).toEqual({ ok: true, value: { identity: '1112223333', text: 'hi there' } })
    expect(view.parse(get('identity=1112223333&text=hi+there'))).toEqual({
      ok: false,
      errors: { message: 'This field is required.', phone: 'This field is required.' },
    })
  })

  it.each([
    ['missing text', 'identity=1', { text: 'This field is required.' }],
    ['missing identity', 'text=hi', { identity: 'This field is required.' }],
    ['empty text', 'identity=1&text=', { text: 'This field is required.' }],
    ['blank text', 'identity=1&text=+++', { text: 'This field is required.' }],
    ['blank identity', 'identity=%20&text=hi', { identity: 'This field is required.' }],
    ['wrong names', 'invalid-phone=1112223333&message=hi+there', { text: 'This field is required.', identity: 'This field is required.' }],
    ['an identity over 100 characters', `identity=${'1'.repeat(101)}&text=hi`, { identity: 'Ensure this value has at most 100 characters (it has 101).' }],
    ['a NUL character', 'identity=1&text=a%00b', { text: 'Null characters are not allowed.' }],
  ])('%s is invalid, naming the field (57, 59)', (_, query, errors) => {
    expect(parseGenericHttp(get(query))).toEqual({ ok: false, errors })
  })

  it('an identity of exactly 100 characters is fine (9)', () => {
    expect(parseGenericHttp(get(`identity=${'é'.repeat(100)}&text=x`)).ok).toBe(true)
  })

  it('trims text and identity; extra parameters are ignored (57, 60)', () => {
    expect(parseGenericHttp(get('identity=+44+&text=++echo+hi++&extra=1'))).toEqual({ ok: true, value: { identity: '44', text: 'echo hi' } })
  })

  it('decodes UTF-8, keeps malformed escapes, and takes the last of repeated values (as Django)', () => {
    expect(parseGenericHttp(get('identity=1&text=caf%C3%A9+100%'))).toEqual({ ok: true, value: { identity: '1', text: 'café 100%' } })
    expect(parseGenericHttp(get('identity=1&text=a&text=b'))).toEqual({ ok: true, value: { identity: '1', text: 'b' } })
    expect(parseGenericHttp(get('identity=1&text=%zz%4+%41%2b%2B%e2%9c%93'))).toEqual({ ok: true, value: { identity: '1', text: '%zz%4 A++✓' } })
    expect(parseGenericHttp(get('identity=%2B254&text=a+b%2Bc%20%e2%9c%93'))).toEqual({ ok: true, value: { identity: '+254', text: 'a b+c ✓' } })
    expect(parseGenericHttp(get('identity=1&text=x%ED%A0%80y'))).toEqual({ ok: true, value: { identity: '1', text: 'x\uFFFD\uFFFD\uFFFDy' } })
  })

  it('keeps invalid UTF-8 as U+FFFD and a leading byte-order mark as a character (as Python decodes)', () => {
    expect(parseGenericHttp(get('identity=1&text=a%FFb'))).toEqual({ ok: true, value: { identity: '1', text: 'a\uFFFDb' } })
    expect(parseGenericHttp(post('identity=1&text=%EF%BB%BFhi'))).toEqual({ ok: true, value: { identity: '1', text: '\uFEFFhi' } })
  })

  it("strips what Python's str.strip() strips (U+0085, U+001C-U+001F, U+3000), not U+FEFF", () => {
    expect(parseGenericHttp(get('identity=%E3%80%80%1F1%C2%85&text=%1C+hi+%C2%A0'))).toEqual({ ok: true, value: { identity: '1', text: 'hi' } })
    expect(parseGenericHttp(get('identity=1&text=hi%EF%BB%BF'))).toEqual({ ok: true, value: { identity: '1', text: 'hi\uFEFF' } })
  })

  it('GET and POST only, answering OK (56, 58)', () => {
    const view = genericHttpInbound({})
    expect(view.methods).toEqual(['GET', 'POST'])
    expect(view.okBody).toBe('OK')
  })

  it('bad parameter names are setting errors', () => {
    expect(() => genericHttpInbound({ identity_name: '' })).toThrow(ConfigError)
    expect(() => genericHttpInbound({ identity_name: 'x', text_name: 'x' })).toThrow(/must differ/)
  })
})
