import { connect } from 'node:net'
import { fc, it } from '@fast-check/vitest'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { startEdge, type EdgeServer } from '../../src/web/index.js'
import { formOf, junkBytes, junkText, multipartBody, validIdentity, validText } from './support/arbitraries.js'
import { FUZZ_BACKENDS, useEdgeUnderFuzz } from './support/edge.js'
import { fuzz, fuzzTimeout } from './support/runs.js'

/**
 * The edge as Node serves it, fed raw bytes over TCP: request lines, headers and bodies a
 * fetch() could never send (a Content-Length that lies, broken chunks, control characters
 * in headers, requests cut off), so Node's HTTP parser and the edge's own body reading are
 * fuzzed together.
 */
const edge = useEdgeUnderFuzz()
let server: EdgeServer
beforeAll(async () => {
  server = await startEdge(edge.rapid.router, { port: 0 })
})
afterAll(() => server?.close())

/**
 * Send bytes and collect the first answer: done once a whole response came (its headers and
 * its body) or the server closed. A request the server may still be waiting the rest of
 * (`incomplete`: cut headers, a Content-Length or chunked body of the client's own framing)
 * is half-closed after 300 ms without an answer, as a client that gives up would. `closed`
 * is false when nothing ended the exchange in 5 s. The answer to a HEAD request, or a 204 or
 * 304, ends with its headers: it has no body, whatever Content-Length it states (RFC 9112 6.3).
 */
function exchange(bytes: Buffer, incomplete: boolean, head: boolean): Promise<{ response: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1')
    let data = Buffer.alloc(0)
    let idle: NodeJS.Timeout | undefined
    const done = (closed: boolean) => {
      clearTimeout(timer)
      clearTimeout(idle)
      socket.destroy()
      resolve({ response: finalResponse(data.toString('latin1')), closed })
    }
    const timer = setTimeout(() => done(false), 5_000)
    const giveUpLater = () => {
      clearTimeout(idle)
      if (incomplete) idle = setTimeout(() => socket.end(), 300)
    }
    socket.on('data', (d: Buffer) => {
      data = Buffer.concat([data, d])
      const response = finalResponse(data.toString('latin1'))
      const end = response.indexOf('\r\n\r\n')
      const headers = response.slice(0, Math.max(end, 0))
      const length = /\r\ncontent-length: *(\d+)/i.exec(headers)?.[1]
      const chunked = /\r\ntransfer-encoding: *chunked/i.test(headers)
      const bodiless = head || /^HTTP\/1\.[01] (204|304) /.test(headers)
      if (end >= 0 && (bodiless || (length !== undefined && response.length >= end + 4 + Number(length)) || (chunked && response.endsWith('\r\n0\r\n\r\n')))) done(true)
      else giveUpLater()
    })
    socket.on('close', () => done(true))
    socket.on('error', () => undefined)
    socket.on('connect', () => socket.write(bytes, giveUpLater))
  })
}

/** The answer after any interim ones (`100 Continue`). */
function finalResponse(text: string): string {
  return text.replace(/^(HTTP\/1\.[01] 1\d\d [^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n)+/, '')
}

const paths = [`/backend/${FUZZ_BACKENDS.http}/`, `/backend/${FUZZ_BACKENDS.kannel}/`, `/backend/${FUZZ_BACKENDS.vumi}/`, '/kannel/delivery-report/', '/health', '/nowhere']
const token = fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'HEAD', 'OPTIONS', 'DELETE', 'CONNECT', 'TRACE', 'PRI', 'get', 'G ET', ''), fc.stringMatching(/^[A-Z]{1,8}$/))
const target = fc.oneof(
  fc.tuple(fc.constantFrom(...paths), fc.oneof(fc.constant(''), fc.tuple(validIdentity, validText).map(([identity, text]) => `?${formOf([['identity', identity, 'plus'], ['id', identity, 'plus'], ['text', text, 'percent']])}`), junkText.map((q) => `?${q}`))).map(([p, q]) => p + q),
  fc.constantFrom('*', '', '/backend/%zz/', '//', 'http://x/backend/message_tester/?identity=1&text=hi', '/backend/message_tester/#frag', `/${'a'.repeat(20_000)}`),
)
const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.x', '')
const header = fc.oneof(
  fc.tuple(fc.constantFrom('Content-Type'), fc.oneof(fc.constantFrom('application/x-www-form-urlencoded', 'multipart/form-data', 'application/json', 'text/plain; charset=x-unknown'), junkText)),
  fc.tuple(fc.constantFrom('Content-Length'), fc.oneof(fc.constantFrom('0', '1', '-1', '99999999999999999999', ' 5', '5, 5', '0x10', ''), fc.nat({ max: 5000 }).map(String))),
  fc.tuple(fc.constantFrom('Transfer-Encoding'), fc.constantFrom('chunked', 'gzip, chunked', 'chunked, gzip', 'identity', 'CHUNKED', '')),
  fc.tuple(fc.constantFrom('Host', 'Connection', 'Expect', 'Authorization', 'X-RapidSMS-Secret', 'Content-Encoding'), fc.oneof(fc.constantFrom('close', 'keep-alive', '100-continue', 'gzip', 'Basic !!'), junkText)),
  fc.tuple(fc.oneof(junkText, fc.constantFrom('X Bad', 'X:Y', '', 'Ä')), junkText),
  fc.tuple(fc.constant('X-Long'), fc.integer({ min: 8_000, max: 40_000 }).map((n) => 'x'.repeat(n))),
)
const body = fc.oneof(
  fc.constant(Buffer.alloc(0)),
  fc.tuple(validIdentity, validText).map(([identity, text]) => Buffer.from(formOf([['identity', identity, 'plus'], ['text', text, 'plus']]))),
  multipartBody.map((m) => Buffer.from(m.body)),
  junkBytes.map((b) => Buffer.from(b)),
  fc.constant(Buffer.from('{"message_id":"m","to_addr":"t","from_addr":"f","transport_name":"n","transport_type":"sms","content":"ping"}')),
)
const framing = fc.constantFrom('content-length', 'content-length', 'chunked', 'broken chunks', 'as given', 'cut headers')

describe('the edge over raw HTTP under fuzzing', () => {
  const RUNS = 120
  /** Half the requests are well-formed ones a gateway sends; the rest are anything. */
  const wellFormed = fc.record({
    method: fc.constantFrom('GET', 'POST'),
    target: fc.tuple(fc.constantFrom(...paths.slice(0, 4)), validIdentity, validText).map(([p, identity, text]) => `${p}?${formOf([['identity', identity, 'plus'], ['id', identity, 'plus'], ['text', text, 'percent']])}`),
    version: fc.constant('HTTP/1.1'),
    headers: fc.constantFrom<[string, string][]>([], [['Content-Type', 'application/x-www-form-urlencoded']], [['Connection', 'close']]),
    body,
    framing: fc.constantFrom('content-length', 'chunked'),
    eol: fc.constant('\r\n'),
  })
  const anything = fc.record({ method: token, target, version, headers: fc.array(header, { maxLength: 5 }), body, framing, eol: fc.constantFrom('\r\n', '\r\n', '\n') })
  it.prop([fc.oneof(wellFormed, anything)], fuzz(RUNS, 60))(
    'any bytes a client sends are answered 2xx or 4xx (or the connection closed), a 4xx stores nothing, the edge stays up',
    async ({ method, target, version, headers, body, framing, eol }) => {
      const lines = [`${method} ${target} ${version}`.trim(), 'Host: fuzz']
      for (const [name, value] of headers) lines.push(`${name}: ${value}`)
      let payload = body
      if (framing === 'content-length') lines.push(`Content-Length: ${body.length}`)
      else if (framing === 'chunked' || framing === 'broken chunks') {
        lines.push('Transfer-Encoding: chunked')
        const chunk = `${body.length.toString(16)}\r\n${body.toString('latin1')}\r\n`
        payload = Buffer.from(framing === 'chunked' ? `${chunk}0\r\n\r\n` : chunk.replace('\r\n', 'zz\r\n'), 'latin1')
      }
      const head = framing === 'cut headers' ? lines.join(eol) : `${lines.join(eol)}${eol}${eol}`
      const bytes = Buffer.concat([Buffer.from(head, 'latin1'), payload])
      const before = await edge.countRows()
      const received = edge.rapid.router.stats().received
      const framed = framing === 'content-length' || framing === 'chunked'
      const incomplete = framing === 'cut headers' || (!framed && headers.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name)))
      const { response, closed } = await exchange(bytes, incomplete, method === 'HEAD')
      await edge.rapid.db.writer.drain()
      const what = `${JSON.stringify(bytes.toString('latin1').slice(0, 300))} -> ${JSON.stringify(response.slice(0, 200))}`
      expect(closed, `the edge neither answered nor closed the connection in 5 s: ${what}`).toBe(true)
      const status = /^HTTP\/1\.[01] (\d{3}) /.exec(response)?.[1]
      if (response) expect(status, what).toMatch(/^[24]\d\d$/)
      if (!status || status.startsWith('4')) {
        expect(await edge.countRows(), what).toEqual(before)
        expect(edge.rapid.router.stats().received, what).toBe(received)
      }
      expect(edge.rapid.router.stats().appErrors).toBe(0)
      expect((await fetch(`${server.url}/health`)).status).toBe(200)
    },
    fuzzTimeout(RUNS, 60),
  )
})
