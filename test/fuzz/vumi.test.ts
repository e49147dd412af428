import { fc, it } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { pythonStrip } from '../../src/core/python.js'
import { contentType, extraHeaders, junkBytes, junkText, method, multipartBody, validIdentity, validText } from './support/arbitraries.js'
import { FUZZ_BACKENDS, useEdgeUnderFuzz } from './support/edge.js'
import { fuzz, fuzzTimeout } from './support/runs.js'

const edge = useEdgeUnderFuzz()
const path = fc.constantFrom(`/backend/${FUZZ_BACKENDS.vumi}/`, `/backend/${FUZZ_BACKENDS.vumi}`)
const REQUIRED = ['message_id', 'to_addr', 'transport_name', 'transport_type'] as const

/** A required field's value as a relay sends it: a word, or a number. */
const word = fc.oneof(fc.stringMatching(/^[a-z0-9:._-]{1,32}$/), fc.integer({ min: 0 }))

describe('the Vumi endpoint under fuzzing', () => {
  const VALID_RUNS = 30
  it.prop(
    {
      path,
      required: fc.record(Object.fromEntries(REQUIRED.map((name) => [name, word])) as Record<(typeof REQUIRED)[number], typeof word>),
      from: validIdentity,
      content: fc.option(validText, { nil: undefined }),
      extra: fc.dictionary(junkText.map((s) => `x_${s}`), fc.jsonValue(), { maxKeys: 3 }),
      contentType,
    },
    fuzz(VALID_RUNS, 60),
  )(
    'a message as the relay sends it, whatever its Content-Type, is 200 with an empty body and reaches the router with its fields',
    async ({ path, required, from, content, extra, contentType }) => {
      const message = { ...extra, ...required, from_addr: from, ...(content !== undefined && { content }) }
      const received = edge.rapid.inbound.length
      const init: RequestInit & { body: string } = { method: 'POST', body: JSON.stringify(message), headers: contentType ? { 'content-type': contentType } : {} }
      expect(await edge.check(path, init), init.body).toEqual({ status: 200, body: '' })
      expect(edge.rapid.inbound.length).toBe(received + 1)
      const got = edge.rapid.inbound.at(-1)!
      expect([got.connections[0]!.identity, got.text, got.fields.external_id]).toEqual([from, pythonStrip(content ?? ''), String(required.message_id)])
    },
    fuzzTimeout(VALID_RUNS, 60),
  )

  /** A body near a valid message: some fields missing or replaced by any JSON, deep nesting, broken bytes. */
  const body = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .record({
          fields: fc.dictionary(fc.constantFrom(...REQUIRED, 'from_addr', 'content', 'in_reply_to', 'session_event', 'group', 'x'), fc.oneof(word, junkText, fc.jsonValue({ maxDepth: 3 })), { maxKeys: 9 }),
          deep: fc.option(fc.tuple(fc.constantFrom(...REQUIRED, 'content'), fc.integer({ min: 400, max: 5000 }), fc.constantFrom('[', '{"a":'))),
        })
        .map(({ fields, deep }) => {
          let json = JSON.stringify(fields)
          if (deep) {
            const [name, depth, open] = deep
            const close = open === '[' ? ']' : '}'
            json = JSON.stringify({ ...fields, [name]: '#' }).replace('"#"', `${open.repeat(depth)}1${close.repeat(depth)}`)
          }
          return Buffer.from(json)
        }),
    },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
    { weight: 1, arbitrary: junkBytes.map((b) => Buffer.from(b)) },
    { weight: 1, arbitrary: fc.tuple(fc.jsonValue(), fc.nat()).map(([v, cut]) => { const s = JSON.stringify({ content: v, from_addr: 'x' }); return Buffer.from(s.slice(0, cut % s.length)) }) },
    { weight: 1, arbitrary: fc.constantFrom('\ufeff{}', '{"content": "\\ud800"}', '{"a":1,"a":2}', '{"__proto__": {"from_addr": "x"}}', '[]', 'null', '"text"', '1e400', '').map((s) => Buffer.from(s)) },
  )

  const ANY_RUNS = 150
  it.prop({ path, method, body, contentType, multipart: fc.option(multipartBody), headers: extraHeaders }, fuzz(ANY_RUNS, 50))(
    'any request is answered 2xx or 4xx; a 4xx stores nothing; the edge stays up',
    async ({ path, method, body, contentType, multipart, headers }) => {
      const init: RequestInit & { headers: Record<string, string> } = { method, headers: { ...headers } }
      if (contentType !== undefined) init.headers['content-type'] = contentType
      if (method !== 'GET' && method !== 'HEAD') {
        init.body = multipart ? multipart.body : body
        if (multipart) init.headers['content-type'] = multipart.contentType
      }
      const received = edge.rapid.inbound.length
      const answer = await edge.check(path, init)
      if (answer.status === 200) expect(edge.rapid.inbound.length).toBe(received + 1)
    },
    fuzzTimeout(ANY_RUNS, 50),
  )
})
