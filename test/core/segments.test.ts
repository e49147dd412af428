import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { countSegments, fitsGsm7, splitSegments } from '../../src/core/segments.js'
import { encodeSubmit, fitsGsm7 as pduFitsGsm7, GSM7_BASIC, GSM7_EXTENSION } from '../../src/backends/modem/pdu/index.js'

describe('SMS segments', () => {
  it.each([
    ['', 'GSM-7', 0, 1, 160],
    ['hello', 'GSM-7', 5, 1, 155],
    ['x'.repeat(160), 'GSM-7', 160, 1, 0],
    ['x'.repeat(161), 'GSM-7', 161, 2, 145],
    ['x'.repeat(306), 'GSM-7', 306, 2, 0],
    ['x'.repeat(307), 'GSM-7', 307, 3, 152],
    // € and [ take two septets each (escape + code).
    ['€'.repeat(80), 'GSM-7', 160, 1, 0],
    ['€'.repeat(81), 'GSM-7', 162, 2, 143],
    ['é', 'GSM-7', 1, 1, 159],
    ['ç', 'UCS-2', 1, 1, 69],
    ['x'.repeat(69) + 'ç', 'UCS-2', 70, 1, 0],
    ['x'.repeat(70) + 'ç', 'UCS-2', 71, 2, 63],
    // An emoji is two UTF-16 units, never split across SMS.
    ['😀'.repeat(35), 'UCS-2', 70, 1, 0],
  ] as const)('%j is %s, %i units, %i SMS, %i left', (text, encoding, units, segments, remaining) => {
    expect(countSegments(text)).toMatchObject({ encoding, units, segments, remaining })
  })

  it('never splits an escape pair or a surrogate pair', () => {
    const gsm = splitSegments('x'.repeat(152) + '€' + 'y'.repeat(10))
    expect(gsm.parts).toEqual(['x'.repeat(152), '€' + 'y'.repeat(10)])
    const ucs = splitSegments('x'.repeat(66) + '😀' + 'y'.repeat(10))
    expect(ucs.parts).toEqual(['x'.repeat(66), '😀' + 'y'.repeat(10)])
  })

  it('has the modem codec’s alphabet', () => {
    const all = [...GSM7_BASIC.replace('\x1b', ''), ...GSM7_EXTENSION.values()]
    for (const char of all) expect(fitsGsm7(char)).toBe(true)
    for (let cp = 0; cp < 0x2100; cp++) expect(fitsGsm7(String.fromCodePoint(cp))).toBe(pduFitsGsm7(String.fromCodePoint(cp)))
  })

  const char = fc.constantFrom('a', 'Z', '0', ' ', '€', '[', 'é', 'ç', 'ß', 'Ж', '😀', '\n')
  test.prop([fc.array(char, { maxLength: 700 }).map((cs) => cs.join(''))], { numRuns: 300, seed: 12 })('counts as many SMS as the modem sends', (text) => {
    expect(countSegments(text).segments).toBe(encodeSubmit({ to: '+27820001111', text }).length)
  })
})
