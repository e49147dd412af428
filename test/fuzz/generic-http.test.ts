import { fc, it } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { pythonStrip } from '../../src/core/python.js'
import { contentType, encoding, extraHeaders, extraPairs, formOf, junkBytes, junkText, method, multipartBody, validIdentity, validText, type Encoding } from './support/arbitraries.js'
import { FUZZ_BACKENDS, useEdgeUnderFuzz } from './support/edge.js'
import { fuzz, fuzzTimeout } from './support/runs.js'

const edge = useEdgeUnderFuzz()
const path = fc.constantFrom(`/backend/${FUZZ_BACKENDS.http}/`, `/backend/${FUZZ_BACKENDS.http}`)
/** Extra parameters that cannot be read as identity or text. */
const otherPairs = fc.array(fc.tuple(junkText.map((s) => `x_${s}`), junkText, fc.constantFrom<Encoding>('plus', 'percent')), { maxLength: 3 })
const safeEncoding = fc.constantFrom<Encoding>('plus', 'percent')

describe('the generic HTTP endpoint under fuzzing', () => {
  const VALID_RUNS = 30
  it.prop(
    {
      path,
      identity: validIdentity,
      text: validText,
      encodings: fc.tuple(safeEncoding, safeEncoding),
      before: otherPairs,
      after: otherPairs,
      how: fc.constantFrom('GET', 'POST form', 'POST form utf-8', 'POST multipart'),
    },
    fuzz(VALID_RUNS, 50),
  )(
    'a valid message, however it is written, is 200 OK and reaches the router with its text trimmed and its identity',
    async ({ path, identity, text, encodings, before, after, how }) => {
      const pairs: [string, string, Encoding][] = [...before, ['identity', identity, encodings[0]], ['text', text, encodings[1]], ...after]
      const form = formOf(pairs)
      let init: RequestInit
      if (how === 'GET') init = {}
      else if (how === 'POST multipart') {
        const body = new FormData()
        for (const [name, value] of pairs) body.append(name, value)
        init = { method: 'POST', body }
      } else init = { method: 'POST', body: form, headers: { 'content-type': `application/x-www-form-urlencoded${how.endsWith('utf-8') ? '; charset=UTF-8' : ''}` } }
      const target = how === 'GET' ? `${path}?${form}` : path
      const received = edge.rapid.inbound.length
      const answer = await edge.check(target, init)
      expect(answer, target).toEqual({ status: 200, body: 'OK' })
      expect(edge.rapid.inbound.length).toBe(received + 1)
      const message = edge.rapid.inbound.at(-1)!
      expect([message.connections[0]!.identity, message.text]).toEqual([identity, pythonStrip(text)])
    },
    fuzzTimeout(VALID_RUNS, 50),
  )

  const ANY_RUNS = 150
  it.prop(
    {
      path,
      method,
      fields: fc.record({ identity: fc.option(junkText), text: fc.option(junkText) }),
      encodings: fc.tuple(encoding, encoding),
      extra: extraPairs,
      contentType,
      body: fc.oneof(
        { weight: 3, arbitrary: fc.constant('form' as const) },
        { weight: 1, arbitrary: fc.constant('multipart' as const) },
        { weight: 1, arbitrary: junkBytes },
        { weight: 1, arbitrary: fc.constant('none' as const) },
      ),
      multipart: multipartBody,
      headers: extraHeaders,
      inQuery: fc.boolean(),
    },
    fuzz(ANY_RUNS, 50),
  )(
    'any request is answered 2xx or 4xx; a 4xx stores nothing; the edge stays up',
    async ({ path, method, fields, encodings, extra, contentType, body, multipart, headers, inQuery }) => {
      const pairs: [string, string, Encoding][] = [...extra]
      if (fields.identity !== null) pairs.push(['identity', fields.identity, encodings[0]])
      if (fields.text !== null) pairs.push(['text', fields.text, encodings[1]])
      const form = formOf(pairs)
      const init: RequestInit & { headers: Record<string, string> } = { method, headers: { ...headers } }
      if (contentType !== undefined) init.headers['content-type'] = contentType
      if (method !== 'GET' && method !== 'HEAD') {
        if (body === 'form') init.body = form
        else if (body === 'multipart') {
          init.body = multipart.body
          init.headers['content-type'] = multipart.contentType
        } else if (body instanceof Uint8Array) init.body = body
      }
      await edge.check(method === 'GET' || inQuery ? `${path}?${form}` : path, init)
    },
    fuzzTimeout(ANY_RUNS, 50),
  )
})
