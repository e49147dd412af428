import { describe, expect, it } from 'vitest'
import {
  decodePdu,
  decodeSemiOctets,
  encodeAddress,
  encodeSemiOctets,
  encodeSmsc,
  encodeSubmit,
  encodeTimestamp,
  fitsGsm7,
  packSeptets,
  PduError,
  relativeValidity,
  relativeValidityMs,
  septetsToText,
  textToSeptets,
  unpackSeptets,
  type DecodedDeliver,
  type DecodedSubmit,
} from '../../../src/backends/modem/index.js'
import { concatUdh, parseUdh } from '../../../src/backends/modem/pdu/udh.js'
import { gammu } from './vectors/gammu.js'
import { modemManager, modemManagerFields } from './vectors/modemmanager.js'
import { gammuCaptured, kannel, scriptedModem, smstools } from './vectors/peers-captured.js'
import { pythonGsmmodem, pythonGsmmodemFields } from './vectors/python-gsmmodem.js'
import type { VectorSet } from './vectors/types.js'
import { warthog618 } from './vectors/warthog618-sms.js'

const SETS: VectorSet[] = [pythonGsmmodem, modemManager, gammu, warthog618, kannel, gammuCaptured, smstools, scriptedModem]
const hex = (octets: ArrayLike<number>) => Buffer.from(Array.from(octets)).toString('hex').toUpperCase()
const octets = (h: string) => [...Buffer.from(h, 'hex')]

describe.each(SETS.map((set) => [`${set.source.repository} (${set.source.file})`, set] as const))('%s', (_, set) => {
  it.each((set.decode ?? []).map((v) => [v.name, v] as const))('decodes %s', (_name, vector) => {
    expect(decodePdu(vector.hex, { smsc: vector.smsc })).toMatchObject(vector.expected)
  })
  it.each((set.encode ?? []).map((v) => [v.name, v] as const))('encodes %s', (_name, vector) => {
    const parts = encodeSubmit(vector.options)
    expect(parts.map((p) => p.pdu)).toEqual(vector.pdus.map((p) => p.toUpperCase()))
    if (vector.tpduLengths) expect(parts.map((p) => p.tpduLength)).toEqual(vector.tpduLengths)
    for (const part of parts) {
      const smscOctets = parseInt(part.pdu.slice(0, 2), 16) + 1
      expect(part.tpduLength).toBe(part.pdu.length / 2 - smscOctets)
    }
  })
  it.each((set.errors ?? []).map((v) => [v.name, v] as const))('refuses %s', (_name, vector) => {
    expect(() => decodePdu(vector.hex, { smsc: vector.smsc })).toThrow(PduError)
    expect(() => decodePdu(vector.hex, { smsc: vector.smsc })).toThrow(vector.error)
  })
})

describe('GSM 7-bit alphabet (python-gsmmodem TestGsm7)', () => {
  it.each(pythonGsmmodemFields.gsm7.map((v) => [v.text, v] as const))('%s', (_text, v) => {
    expect(textToSeptets(v.text)).toEqual(v.septets)
    expect([...packSeptets(v.septets)]).toEqual(v.packed)
    expect(unpackSeptets(v.packed, v.septets.length)).toEqual(v.septets)
    expect(septetsToText(v.septets)).toBe(v.text)
  })
  it('refuses characters outside the alphabet', () => {
    expect(textToSeptets('世界您好！')).toBeUndefined()
    expect(fitsGsm7('€[]{}\\^~|')).toBe(true)
    expect(fitsGsm7('مرحبا')).toBe(false)
  })
  it('reads 0x5F as § and 0x60 as ¿ (TS 23.038), an unknown escape as the basic character', () => {
    expect(septetsToText([0x5f, 0x60, 0x40, 0x24])).toBe('§¿¡¤')
    expect(septetsToText([0x1b, 0x41])).toBe('A')
    expect(septetsToText([0x1b, 0x1b, 0x41])).toBe(' A')
  })
  it('packs after fill bits', () => {
    // One fill bit after a 6-octet header: 'L' septets start at bit 1.
    expect(hex(packSeptets(textToSeptets('LLLL')!, 1))).toBe('984C2613')
  })
})

describe('semi-octets and addresses', () => {
  it.each(pythonGsmmodemFields.semiOctets)('$digits', ({ digits, octets: o }) => {
    expect(encodeSemiOctets(digits)).toEqual(o)
    expect(decodeSemiOctets(Uint8Array.from(o))).toBe(digits)
  })
  it.each(pythonGsmmodemFields.addresses)('python-gsmmodem address $address', ({ address, hex: h }) => {
    expect(hex(encodeAddress(address))).toBe(h)
    // The same field inside a TPDU reads back as the address.
    const deliver = decodePdu(`04${h}0000111010214365000100`, { smsc: false }) as DecodedDeliver
    expect(deliver.from).toBe(address)
  })
  it.each(pythonGsmmodemFields.smsc)('python-gsmmodem SMSC $smsc', ({ smsc, hex: h }) => {
    expect(hex(encodeSmsc(smsc))).toBe(h)
  })
  it.each(modemManagerFields.addresses)('ModemManager $address (smsc $smsc)', ({ address, smsc, hex: h }) => {
    expect(hex(smsc ? encodeSmsc(address) : encodeAddress(address))).toBe(h)
  })
  it('reads * # a b c and stops at a filler', () => {
    expect(decodeSemiOctets(Uint8Array.from([0xa1, 0xcb, 0xed, 0xf0]))).toBe('1*#abc0')
  })
  it('encodes no SMSC as 00', () => {
    expect(encodeSmsc(undefined)).toEqual([0])
  })
})

describe('timestamps', () => {
  it.each(pythonGsmmodemFields.timestamps)('python-gsmmodem $iso', ({ iso, hex: h }) => {
    expect(hex(encodeTimestamp(iso))).toBe(h)
    const deliver = decodePdu(`0000000000${h}00`, { smsc: false }) as DecodedDeliver
    expect(deliver.timestamp).toBe(iso)
  })
  it('reads quarter hours and the sign bit', () => {
    // 0x4A: tens digit 2 with the sign bit, units 4 -> -24 quarters = -06:00; 0x22: +05:30.
    const at = (zone: string) => (decodePdu(`00000000001110102143650${zone}00`.replace(/0(..)00$/, '$100'), { smsc: false }) as DecodedDeliver).timestamp
    expect(at('4A')).toBe('2011-01-01T12:34:56-06:00')
    expect(at('22')).toBe('2011-01-01T12:34:56+05:30')
    expect(at('00')).toBe('2011-01-01T12:34:56+00:00')
  })
  it('writes a Date in UTC', () => {
    expect(hex(encodeTimestamp(new Date('2013-07-10T11:39:00Z')))).toBe('31700111930000')
  })
})

describe('validity', () => {
  it.each(pythonGsmmodemFields.relativeValidity)('python-gsmmodem $ms ms -> $octet', ({ ms, octet }) => {
    expect(relativeValidity(ms)).toBe(octet)
    expect(relativeValidityMs(octet)).toBe(ms)
  })
  it('rounds up to the next value of the format and stops at 63 weeks', () => {
    expect(relativeValidity(1)).toBe(0)
    expect(relativeValidity(24 * 3_600_000)).toBe(0xa7)
    expect(relativeValidity(63 * 7 * 86_400_000)).toBe(0xff)
    expect(() => relativeValidity(64 * 7 * 86_400_000)).toThrow(/63 weeks/)
  })
})

describe('concatenation header', () => {
  it.each(pythonGsmmodemFields.concat)('python-gsmmodem reference $reference', ({ reference, sequence, total, ie }) => {
    const udh = concatUdh({ reference, total, sequence })
    expect(hex(udh.slice(1))).toBe(ie)
    expect(parseUdh(Uint8Array.from(udh), 0).concat).toEqual({ reference, total, sequence })
  })
  it('ignores an element with no parts or a part past the total (TS 23.040 9.2.3.24.1)', () => {
    expect(parseUdh(Uint8Array.from([5, 0, 3, 1, 0, 1]), 0).concat).toBeUndefined()
    expect(parseUdh(Uint8Array.from([5, 0, 3, 1, 2, 3]), 0).concat).toBeUndefined()
  })
  it('refuses an element that runs past the header', () => {
    expect(() => parseUdh(Uint8Array.from([3, 0, 3, 1]), 0)).toThrow(/runs past/)
  })
})

describe('encodeSubmit splitting (ModemManager text split tests)', () => {
  it.each(modemManagerFields.splits.map((s) => [s.text.slice(0, 12), s] as const))('%s…', (_label, { text, parts, encoding }) => {
    const pdus = encodeSubmit({ to: '+15555551234', text })
    const decoded = pdus.map((p) => decodePdu(p.pdu) as DecodedSubmit)
    expect(decoded.map((d) => d.text)).toEqual(parts)
    expect(decoded.every((d) => d.encoding === encoding)).toBe(true)
    if (parts.length > 1) expect(decoded.map((d) => d.concat)).toEqual(parts.map((_, i) => ({ reference: 0, total: parts.length, sequence: i + 1 })))
  })
  it('never splits an extension character across parts', () => {
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(10)
    const parts = encodeSubmit({ to: '+1', text }).map((p) => (decodePdu(p.pdu) as DecodedSubmit).text)
    expect(parts).toEqual(['a'.repeat(152), '€' + 'b'.repeat(10)])
  })
  it('counts extension characters as two septets', () => {
    expect(encodeSubmit({ to: '+1', text: '€'.repeat(80) })).toHaveLength(1)
    expect(encodeSubmit({ to: '+1', text: '€'.repeat(81) })).toHaveLength(2)
  })
  it('never splits a surrogate pair', () => {
    const text = 'x'.repeat(66) + '😀' + 'yyy'
    const parts = encodeSubmit({ to: '+1', text }).map((p) => (decodePdu(p.pdu) as DecodedSubmit).text)
    expect(parts).toEqual(['x'.repeat(66), '😀yyy'])
  })
  it('uses a 16-bit reference above 255', () => {
    const [first] = encodeSubmit({ to: '+1', text: 'z'.repeat(200), concatReference: 0x1234 })
    expect((decodePdu(first!.pdu) as DecodedSubmit).concat).toEqual({ reference: 0x1234, total: 2, sequence: 1 })
  })
  it('sends 8-bit data and reads it back', () => {
    const data = Uint8Array.from([0, 1, 0xfe, 0xff])
    const [part] = encodeSubmit({ to: '+1', text: '', encoding: '8bit', data })
    const decoded = decodePdu(part!.pdu) as DecodedSubmit
    expect(decoded.encoding).toBe('8bit')
    expect(decoded.data).toEqual(data)
    expect(decoded.text).toBe('\u0000\u0001þÿ')
  })
  it('refuses a forced GSM 7-bit text with characters outside the alphabet', () => {
    expect(() => encodeSubmit({ to: '+1', text: 'مرحبا', encoding: 'gsm7' })).toThrow(/not in the GSM 7-bit alphabet/)
  })
  it('encodes an alphanumeric recipient', () => {
    expect(encodeSubmit({ to: 'FRANCOIS', text: 'x' })[0]!.pdu).toBe('00010' + '00ED04669D0397C26A70000' + '0178')
  })
})

describe('decodePdu errors name the field', () => {
  it.each([
    ['empty', '', /SMSC.*ends/], ['no first octet', '00', /first octet/],
    ['odd length', '0', /even number of digits/],
    ['not hex', '0G', /0-9 and A-F/],
    ['reserved message type', '0003', /reserved/],
    ['SMSC longer than the PDU', '0891', /SMSC/],
    ['TP-UDL beyond 160 septets', '0004000000111010214365000A1', /TP-UDL|even/],
    ['header longer than the user data', '004400000000111010214365000209' + '00', /TP-UDH/],
  ])('%s', (_name, h, error) => {
    expect(() => decodePdu(h as string)).toThrow(error as RegExp)
  })
})
