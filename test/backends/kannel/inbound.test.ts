import { describe, expect, it } from 'vitest'
import { decodeKannelText, kannelInbound, parseKannelInbound } from '../../../src/backends/kannel/index.js'
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
    for (const charset of ['UTF-16BE', 'utf-16be', 'UCS-2']) expect(decodeKannelText(Buffer.from([0x06, 0x45, 0x06, 0x31]), charset)).toBe('مر')
    expect(decodeKannelText(Buffer.from('hé'), 'no-such-charset')).toBe('hé')
  })

  it.each([
    ['missing text', 'id=1112223333', { text: 'This field is required.' }],
    ['missing id', 'text=hi+there', { id: 'This field is required.' }],
    ['wrong names', 'invalid-phone=1112223333&message=hi+there', { text: 'This field is required.', id: 'This field is required.' }],
    ['blank text', 'id=1&text=+', { text: 'This field is required.' }],
    ['a blank UCS-2 text', 'id=1&text=%00+&charset=UTF-16BE&coding=2', { text: 'This field is required.' }],
    ['an id over 100 characters', `id=${'9'.repeat(101)}&text=x`, { id: 'Ensure this value has at most 100 characters (it has 101).' }],
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
