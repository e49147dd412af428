import { fc, it } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { DeliveryReport } from '../../src/index.js'
import { encoding, extraHeaders, extraPairs, formOf, junkBytes, junkText, method, validIdentity, type Encoding } from './support/arbitraries.js'
import { useEdgeUnderFuzz } from './support/edge.js'
import { fuzz, fuzzTimeout } from './support/runs.js'

const edge = useEdgeUnderFuzz()
const path = fc.constantFrom('/kannel/delivery-report/', '/kannel/delivery-report')
const FIELDS = ['message_id', 'identity', 'sms_id', 'smsc', 'status', 'status_text', 'date_sent'] as const
const pad = (n: number, width = 2) => String(n).padStart(width, '0')
/** A text of 1-`max` characters, not blank at either end. */
const word = (max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9][A-Za-z0-9/ :._-]{0,${max - 2}}[A-Za-z0-9]$|^[A-Za-z0-9]$`))

describe('the Kannel delivery-report endpoint under fuzzing', () => {
  const VALID_RUNS = 30
  it.prop(
    {
      path,
      messageId: word(255),
      identity: validIdentity,
      smsId: fc.oneof(fc.uuid(), word(36)),
      smsc: word(255),
      status: fc.constantFrom(1, 2, 4, 8, 16),
      statusText: fc.oneof(fc.constant(''), word(255)),
      sent: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
      iso: fc.boolean(),
    },
    fuzz(VALID_RUNS, 40),
  )('a report as Kannel sends it is 200 with an empty body and stored as sent', async ({ path, messageId, identity, smsId, smsc, status, statusText, sent, iso }) => {
    const d = sent
    const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}${iso ? 'T' : ' '}${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
    const values = { message_id: messageId, identity, sms_id: smsId, smsc, status: String(status), status_text: statusText, date_sent: date }
    const query = formOf(Object.entries(values).map(([k, v]) => [k, v, 'plus'] as [string, string, Encoding]))
    const before = await edge.rapid.em().count(DeliveryReport, {})
    expect(await edge.check(`${path}?${query}`, {}), query).toEqual({ status: 200, body: '' })
    const [row] = await edge.rapid.em().find(DeliveryReport, {}, { orderBy: { id: 'desc' }, limit: 1 })
    expect(await edge.rapid.em().count(DeliveryReport, {})).toBe(before + 1)
    expect(row).toMatchObject({ messageId, identity, smsId, smsc, status, statusText, dateSent: new Date(Math.floor(sent.getTime() / 1000) * 1000) })
  }, fuzzTimeout(VALID_RUNS, 40))

  const value = fc.oneof(junkText, fc.constantFrom('1', '2', '4', '8', '16', '3', '0', '01', ' 1', '1.0', '2026-11-27 10:59:25', '0000-01-01', '9999-12-31 23:59:59', '2026-02-29', '11/27/26', '2026-11-27T10:59:25.1234567+25:99'))
  const ANY_RUNS = 150
  it.prop(
    {
      path,
      method,
      fields: fc.record(Object.fromEntries(FIELDS.map((name) => [name, fc.option(value)])) as Record<(typeof FIELDS)[number], fc.Arbitrary<string | null>>),
      how: encoding,
      extra: extraPairs,
      headers: extraHeaders,
      body: fc.option(junkBytes),
    },
    fuzz(ANY_RUNS, 40),
  )('any request is answered 2xx or 4xx; a 4xx stores nothing; the edge stays up', async ({ path, method, fields, how, extra, headers, body }) => {
    const pairs: [string, string, Encoding][] = [...extra, ...Object.entries(fields).flatMap(([k, v]) => (v === null ? [] : [[k, v, how] as [string, string, Encoding]]))]
    const init: RequestInit = { method, headers }
    if (body && method !== 'GET' && method !== 'HEAD') init.body = body
    const before = await edge.rapid.em().count(DeliveryReport, {})
    const answer = await edge.check(`${path}?${formOf(pairs)}`, init)
    if (answer.status === 200) expect(await edge.rapid.em().count(DeliveryReport, {})).toBe(before + 1)
  }, fuzzTimeout(ANY_RUNS, 40))
})
