import { fc, it } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { decodePdu, encodeSubmit, PduError, type DecodedPdu } from '../../src/backends/modem/index.js'
import { gammu } from '../backends/modem/vectors/gammu.js'
import { modemManager } from '../backends/modem/vectors/modemmanager.js'
import { gammuCaptured, kannel, scriptedModem, smstools } from '../backends/modem/vectors/peers-captured.js'
import { pythonGsmmodem } from '../backends/modem/vectors/python-gsmmodem.js'
import { warthog618 } from '../backends/modem/vectors/warthog618-sms.js'
import { withinBudget } from './support/budget.js'
import { fuzz, fuzzTimeout } from './support/runs.js'

const RUNS = 500
const vectors = [gammu, modemManager, kannel, gammuCaptured, smstools, scriptedModem, pythonGsmmodem, warthog618].flatMap((set) => set.decode ?? [])
const hex = (octets: Uint8Array | number[]) => Buffer.from(octets).toString('hex').toUpperCase()

/** decodePdu's answer: a decoded PDU, or a PduError; anything else fails the test. Also within the time budget. */
function decode(input: string, smsc: boolean): DecodedPdu | PduError {
  const outcome = withinBudget('decodePdu', input, () => decodePdu(input, { smsc }))
  if (outcome instanceof Error) {
    expect(outcome, `${input}: ${String(outcome)}`).toBeInstanceOf(PduError)
    return outcome as PduError
  }
  const pdu = outcome as DecodedPdu
  expect(['deliver', 'submit', 'status-report']).toContain(pdu.type)
  return pdu
}

/** A captured PDU with octets changed, inserted, removed, or cut off; or a length octet set to an extreme. */
const mutated = fc
  .record({
    vector: fc.constantFrom(...vectors),
    edits: fc.array(fc.record({ at: fc.nat(), op: fc.constantFrom('set', 'insert', 'delete', 'cut', 'max'), octet: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
  })
  .map(({ vector, edits }) => {
    const octets = [...Buffer.from(vector.hex, 'hex')]
    for (const { at, op, octet } of edits) {
      const i = octets.length ? at % octets.length : 0
      if (op === 'set') octets[i] = octet
      else if (op === 'insert') octets.splice(i, 0, octet)
      else if (op === 'delete') octets.splice(i, 1)
      else if (op === 'cut') octets.length = i
      else octets[i] = octet & 1 ? 0xff : 0x00
    }
    return { hex: hex(octets), smsc: vector.smsc ?? true }
  })

describe("the GSM modem's PDU decoder under fuzzing", () => {
  it.prop([fc.uint8Array({ maxLength: 200 }), fc.boolean()], fuzz(RUNS, 1))('random octets: a decoded PDU or a PduError, never a crash or a hang', (octets, smsc) => {
    decode(hex(octets), smsc)
  }, fuzzTimeout(RUNS, 1))

  it.prop([mutated], fuzz(RUNS, 1))('a captured PDU damaged in any way: a decoded PDU or a PduError', ({ hex, smsc }) => {
    decode(hex, smsc)
  }, fuzzTimeout(RUNS, 1))

  it.prop([fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[0-9A-Fa-f ]{0,40}$/), fc.constantFrom('', ' ', '0', 'GG', '00 00', '\u0660\u0660'))], fuzz(RUNS, 1))(
    'any text that is not even hex: a PduError, never a crash',
    (text) => {
      decode(text, true)
    },
    fuzzTimeout(RUNS, 1),
  )

  it.prop([fc.uint8Array({ minLength: 20_000, maxLength: 60_000 }), fc.boolean()], fuzz(20, 20, 0.05))('long inputs are decoded or refused in time', (octets, smsc) => {
    decode(hex(octets), smsc)
  }, fuzzTimeout(20, 20, 0.05))

  const text = fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.constantFrom('', '€[]{}|^~\\', '@£$¥'))
  it.prop([text, fc.stringMatching(/^\+?[0-9]{1,20}$/)], fuzz(RUNS, 2))('a text encodeSubmit writes decodes back to itself, part by part', (message, to) => {
    let pdus
    try {
      pdus = encodeSubmit({ to, text: message })
    } catch (error) {
      expect(error, String(error)).toBeInstanceOf(PduError)
      return
    }
    const decoded = pdus.map(({ pdu }) => decode(pdu, true))
    for (const part of decoded) expect(part).toMatchObject({ type: 'submit', to })
    expect(decoded.map((part) => (part as { text: string }).text).join('')).toBe(message)
  }, fuzzTimeout(RUNS, 2))
})
