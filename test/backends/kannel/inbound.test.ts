import { describe, expect, it } from 'vitest'
import { decodeText } from '../../../src/backends/http/charset.js'
import { kannelInbound, parseKannelInbound } from '../../../src/backends/kannel/index.js'
import { captured, fromRequestLine } from './fixtures.js'

const get = (query: string) => ({ method: 'GET', query, body: new Uint8Array() })

describe('Kannel inbound (behaviour 61), replaying requests captured from Kannel 1.4.5', () => {
  it.each([
    ['ascii', '123', 'ping'],
    ['utf8-in-text', '123', 'héllo'],
    ['arabic-utf8-in-text', '123', 'مرحبا'],
    ['arabic-ucs2', '123', 'مرحبا'],
    ['latin-ucs2', '123', 'héllo'],
    ['8bit-data', '123', 'héllo'],
    ['reserved-chars', '123', "a+b&c=d%20e 100% #?/:;@!$'()*,~"],
    ['leading-keyword', '+254700000001', 'Join Group'],
  ])('%s: from %s, text %j', (label, identity, text) => {
    const request = fromRequestLine(captured.mo[label]!.requestline!)
    expect(parseKannelInbound(request)).toEqual({ ok: true, value: { identity, text } })
  })

  it.each(Object.entries(captured.mo_recode_true))('with mo-recode, %s arrives as UTF-8', (_, line) => {
    const parsed = parseKannelInbound(fromRequestLine(line))
    expect(parsed.ok && parsed.value.text).toMatch(/^(مرحبا|héllo|hello)$/)
  })

  it('decodes UTF-8 when no charset is given (behaviour 61: café)', () => {
    expect(parseKannelInbound(get('id=1112223333&text=caf%C3%A9'))).toEqual({ ok: true, value: { identity: '1112223333', text: 'café' } })
  })

  it('decodes UCS-2 whatever the spelling of the charset', () => {
    for (const charset of ['UTF-16BE', 'utf-16be', 'UCS-2']) expect(decodeText(Buffer.from([0x06, 0x45, 0x06, 0x31]), charset)).toBe('مر')
    expect(decodeText(Buffer.from('hé'), 'no-such-charset')).toBe('hé')
  })

  it.each(['WINDOWS-1252', 'windows-1252', 'CP1252', 'cp1252'])('charset %s reads 0x80-0x9f as Windows-1252, not Latin-1', (charset) => {
    expect(decodeText(Buffer.from([0x93, 0x68, 0x69, 0x94, 0x20, 0x35, 0x80, 0x85]), charset)).toBe('\u201chi\u201d 5\u20ac\u2026')
    expect(decodeText(Buffer.from([0x8a, 0x9c, 0x9f]), charset)).toBe('Šœ\u0178')
    // The rest is Latin-1; the five bytes cp1252 leaves undefined stay control characters (as WHATWG decodes them).
    expect(decodeText(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0xa0, 0xff]), charset)).toBe('café\u00a0ÿ')
    expect(decodeText(Buffer.from([0x81, 0x8d, 0x8f, 0x90, 0x9d]), charset)).toBe('\u0081\u008d\u008f\u0090\u009d')
  })

  it('a Windows-1252 text from Kannel arrives with its curly quotes and euro sign', () => {
    expect(parseKannelInbound(get('id=123&text=%93caf%E9%94+%80&charset=WINDOWS-1252&coding=0'))).toEqual({ ok: true, value: { identity: '123', text: '\u201ccafé\u201d €' } })
  })

  it.each([
    ['missing text', 'id=1112223333', { text: 'This field is required.' }],
    ['missing id', 'text=hi+there', { id: 'This field is required.' }],
    ['wrong names', 'invalid-phone=1112223333&message=hi+there', { text: 'This field is required.', id: 'This field is required.' }],
    ['blank text', 'id=1&text=+', { text: 'This field is required.' }],
    ['a blank UCS-2 text', 'id=1&text=%00+&charset=UTF-16BE&coding=2', { text: 'This field is required.' }],
    ['an id over 100 characters', `id=${'9'.repeat(101)}&text=x`, { id: 'Ensure this value has at most 100 characters (it has 101).' }],
    ['a charset the server cannot decode', 'id=1&text=caf%E9&charset=X-KLINGON&coding=0', { charset: 'The charset "X-KLINGON" is not one this server can decode.' }],
  ])('%s is invalid, naming the field', (_, query, errors) => {
    expect(parseKannelInbound(get(query))).toEqual({ ok: false, errors })
  })

  it('takes charset and coding as optional, trims the text', () => {
    expect(parseKannelInbound(get('id=1&text=++hi++&charset=&coding='))).toEqual({ ok: true, value: { identity: '1', text: 'hi' } })
  })

  it('is GET only and answers with an empty body', () => {
    const view = kannelInbound()
    expect(view.methods).toEqual(['GET'])
    expect(view.okBody).toBe('')
  })
})
