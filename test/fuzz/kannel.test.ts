import { fc, it } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { pythonStrip } from '../../src/core/python.js'
import { charsetName, encoding, encodeValue, extraHeaders, extraPairs, formOf, junkBytes, junkText, method, percentAll, validIdentity, validText, type Encoding } from './support/arbitraries.js'
import { FUZZ_BACKENDS, useEdgeUnderFuzz } from './support/edge.js'
import { fuzz, fuzzTimeout } from './support/runs.js'

const edge = useEdgeUnderFuzz()
const path = fc.constantFrom(`/backend/${FUZZ_BACKENDS.kannel}/`, `/backend/${FUZZ_BACKENDS.kannel}`)

/** A text as Kannel's get-url writes it (`%a`) in the charset it names (`%C`), with its coding (`%c`). */
const kannelText = fc.oneof(
  validText.map((text) => ({ text, charset: 'UTF-8', coding: '0', bytes: Buffer.from(text, 'utf8') })),
  validText.map((text) => ({ text, charset: 'UTF-16BE', coding: '2', bytes: Buffer.from(Buffer.from(text, 'utf16le')).swap16() })),
  validText.filter((text) => /^[\u0000-\u00ff]*$/.test(text)).map((text) => ({ text, charset: 'ISO-8859-1', coding: '0', bytes: Buffer.from(text, 'latin1') })),
  validText.map((text) => ({ text, charset: '', coding: '', bytes: Buffer.from(text, 'utf8') })),
)

describe('the Kannel endpoint under fuzzing', () => {
  const VALID_RUNS = 30
  it.prop({ path, id: validIdentity, message: kannelText, extra: fc.array(fc.tuple(junkText.map((s) => `x_${s}`), junkText, fc.constant<Encoding>('percent')), { maxLength: 2 }) }, fuzz(VALID_RUNS, 60))(
    "a message as Kannel sends it is 200 with an empty body and reaches the router decoded from Kannel's charset",
    async ({ path, id, message, extra }) => {
      const query = `${formOf([['id', id, 'plus']])}&text=${percentAll(message.bytes)}&charset=${message.charset}&coding=${message.coding}${extra.length ? `&${formOf(extra)}` : ''}`
      const received = edge.rapid.inbound.length
      expect(await edge.check(`${path}?${query}`, {}), query).toEqual({ status: 200, body: '' })
      expect(edge.rapid.inbound.length).toBe(received + 1)
      const got = edge.rapid.inbound.at(-1)!
      expect([got.connections[0]!.identity, got.text]).toEqual([id, pythonStrip(message.text)])
    },
    fuzzTimeout(VALID_RUNS, 60),
  )

  const ANY_RUNS = 150
  it.prop(
    {
      path,
      method,
      id: fc.option(junkText),
      text: fc.option(fc.oneof(junkText, junkBytes.map((b) => Buffer.from(b)))),
      charset: fc.option(charsetName),
      coding: fc.option(fc.oneof(fc.constantFrom('0', '1', '2', '-1', '99999999999999999999'), junkText)),
      encodings: fc.tuple(encoding, encoding),
      extra: extraPairs,
      headers: extraHeaders,
      body: fc.option(junkBytes),
    },
    fuzz(ANY_RUNS, 50),
  )(
    'any request is answered 2xx or 4xx; a 4xx stores nothing; the edge stays up',
    async ({ path, method, id, text, charset, coding, encodings, extra, headers, body }) => {
      const parts = [formOf(extra)]
      if (id !== null) parts.push(formOf([['id', id, encodings[0]]]))
      if (text !== null) parts.push(`text=${typeof text === 'string' ? encodeValue(text, encodings[1]) : percentAll(text)}`)
      if (charset !== null) parts.push(`charset=${encodeValue(charset, 'plus')}`)
      if (coding !== null) parts.push(`coding=${encodeValue(coding, encodings[0])}`)
      const init: RequestInit = { method, headers }
      if (body && method !== 'GET' && method !== 'HEAD') init.body = body
      const received = edge.rapid.inbound.length
      const answer = await edge.check(`${path}?${parts.filter(Boolean).join('&')}`, init)
      if (answer.status === 200) {
        expect(answer.body).toBe('')
        expect(edge.rapid.inbound.length).toBe(received + 1)
      }
    },
    fuzzTimeout(ANY_RUNS, 50),
  )
})
