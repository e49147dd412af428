import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import { urlencode, type InboundRequest } from '../backends/http/form.js'

/** The request body was larger than the limit. */
export class BodyTooLarge extends Error {
  override name = 'BodyTooLarge'
}

const EMPTY: Uint8Array = new Uint8Array(0)

/**
 * Reduce a request to what backend views read: method, raw query, body bytes (at most
 * `limit`), content type. On @hono/node-server the body is read from Node's request stream
 * (building a web Request per message costs more than the rest of the edge). A multipart
 * form is turned into a urlencoded one, since Django's request.POST reads both.
 */
export async function inboundRequest(c: Context, limit: number): Promise<InboundRequest> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  const method = incoming?.method ?? c.req.raw.method
  const target = incoming?.url ?? c.req.raw.url
  const q = target.indexOf('?')
  const query = q < 0 ? '' : target.slice(q + 1).split('#')[0]!
  let contentType = (incoming ? incoming.headers['content-type'] : c.req.raw.headers.get('content-type')) ?? undefined
  if (method === 'GET' || method === 'HEAD') return { method, query, body: EMPTY, contentType }
  const declared = Number((incoming ? incoming.headers['content-length'] : c.req.raw.headers.get('content-length')) ?? NaN)
  if (declared > limit) throw new BodyTooLarge(`body of ${declared} bytes`)
  if (/^multipart\/form-data/i.test(contentType ?? '')) {
    const form = await c.req.raw.formData()
    const fields = new Map<string, unknown>()
    for (const [key, value] of form) if (typeof value === 'string') fields.set(key, value)
    return { method, query, body: Buffer.from(urlencode(fields)), contentType: 'application/x-www-form-urlencoded' }
  }
  const body = incoming ? await readLimited(incoming, limit) : c.req.raw.body ? await readLimited(c.req.raw.body as unknown as AsyncIterable<Uint8Array>, limit) : EMPTY
  return { method, query, body, contentType }
}

function readLimited(stream: AsyncIterable<Uint8Array> | IncomingMessage, limit: number): Promise<Uint8Array> {
  if (!('on' in stream)) return readIterable(stream, limit)
  // Node's request: plain events cost less than an async iterator per request.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    stream.on('data', (chunk: Buffer) => {
      size += chunk.byteLength
      if (size > limit) {
        stream.removeAllListeners('data')
        stream.resume()
        reject(new BodyTooLarge(`body over ${limit} bytes`))
      } else chunks.push(chunk)
    })
    stream.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : chunks.length ? Buffer.concat(chunks) : EMPTY))
    stream.once('error', reject)
  })
}

async function readIterable(stream: AsyncIterable<Uint8Array>, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of stream) {
    size += chunk.byteLength
    if (size > limit) throw new BodyTooLarge(`body over ${limit} bytes`)
    chunks.push(chunk)
  }
  return chunks.length === 1 ? chunks[0]! : chunks.length ? Buffer.concat(chunks) : EMPTY
}
