import { fc, it } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { formOf, junkText, method, validIdentity, validText, type Encoding } from './support/arbitraries.js'
import { FUZZ_BACKENDS, useEdgeUnderFuzz } from './support/edge.js'
import { fuzz, fuzzTimeout } from './support/runs.js'

/**
 * Every door again with the DatabaseRouter, which stores each message (and its external id)
 * before processing it and takes delivery reports for its own rows: requests near valid
 * ones, with the values it stores pushed past their columns.
 */
const edge = useEdgeUnderFuzz({ router: 'database' })
const long = (n: number) => fc.integer({ min: 1, max: n }).map((k) => 'm'.repeat(k))
const maybe = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: junkText })

const request = fc.oneof(
  fc.record({ identity: maybe(validIdentity), text: maybe(validText), post: fc.boolean() }).map(({ identity, text, post }) => {
    const form = formOf([['identity', identity as string, 'plus'], ['text', text as string, 'percent']])
    const path = `/backend/${FUZZ_BACKENDS.http}/`
    return post ? { path, init: { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } } } : { path: `${path}?${form}`, init: {} }
  }),
  fc.record({ id: maybe(validIdentity), text: maybe(validText) }).map(({ id, text }) => ({
    path: `/backend/${FUZZ_BACKENDS.kannel}/?${formOf([['id', id as string, 'plus'], ['text', text as string, 'percent'], ['charset', 'UTF-8', 'plus'], ['coding', '0', 'plus']])}`,
    init: {},
  })),
  fc.record({ messageId: fc.oneof(fc.uuid(), long(3000), junkText), from: maybe(validIdentity), content: fc.option(maybe(validText)) }).map(({ messageId, from, content }) => ({
    path: `/backend/${FUZZ_BACKENDS.vumi}/`,
    init: { method: 'POST', body: JSON.stringify({ message_id: messageId, to_addr: 't', from_addr: from, transport_name: 'n', transport_type: 'sms', content }) },
  })),
  fc
    .record({ messageId: fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), fc.constantFrom('1.5', '1e3', '00', ' 7', '99999999999999999999'), long(300), junkText), identity: maybe(validIdentity), status: fc.constantFrom('1', '2', '4', '8', '16', '3') })
    .map(({ messageId, identity, status }) => {
      const fields: [string, string, Encoding][] = Object.entries({ message_id: messageId, identity, status, status_text: 'x', smsc: 'S', sms_id: 'abc', date_sent: '2026-11-27 10:59:25' }).map(([k, v]) => [k, v as string, 'plus'])
      return { path: `/kannel/delivery-report/?${formOf(fields)}`, init: {} }
    }),
)

describe('every endpoint with the DatabaseRouter under fuzzing', () => {
  const RUNS = 50
  it.prop([request, method], fuzz(RUNS, 150))('any request is answered 2xx or 4xx; a 4xx stores nothing; the edge stays up', async ({ path, init }, other) => {
    // Another method than the door's own: the same request (without a body for GET or HEAD).
    const { body, ...bodiless } = init as RequestInit
    const request = other === 'GET' || other === 'POST' ? init : other === 'HEAD' ? { ...bodiless, method: other } : { ...init, method: other, body }
    const answer = await edge.check(path, request)
    expect([200, 400, 404, 405]).toContain(answer.status)
  }, fuzzTimeout(RUNS, 150))
})
