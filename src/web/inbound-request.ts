import type { Context } from 'hono'
import { urlencode, type InboundRequest } from '../backends/http/form.js'

/** The request body was larger than the limit. */
export class BodyTooLarge extends Error {
  override name = 'BodyTooLarge'
}

const EMPTY: Uint8Array = new Uint8Array(0)

/**
 * Reduce a Hono request to what backend views read: method, raw query, body bytes (at most
 * `limit`), content type. A multipart form is turned into a urlencoded one, since Django's
 * request.POST reads both.
 */
export async function inboundRequest(c: Context, limit: number): Promise<InboundRequest> {
  const raw = c.req.raw
  const url = raw.url
  const q = url.indexOf('?')
  const query = q < 0 ? '' : url.slice(q + 1).split('#')[0]!
  const method = raw.method
  let contentType = raw.headers.get('content-type') ?? undefined
  let body: Uint8Array = EMPTY
  if (method !== 'GET' && method !== 'HEAD' && raw.body) {
    const declared = Number(raw.headers.get('content-length') ?? NaN)
    if (declared > limit) throw new BodyTooLarge(`body of ${declared} bytes`)
    if (/^multipart\/form-data/i.test(contentType ?? '')) {
      const form = await raw.formData()
      const fields = new Map<string, unknown>()
      for (const [key, value] of form) if (typeof value === 'string') fields.set(key, value)
      body = Buffer.from(urlencode(fields))
      contentType = 'application/x-www-form-urlencoded'
    } else {
      body = await readLimited(raw.body, limit)
    }
  }
  return { method, query, body, contentType }
}

async function readLimited(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength
    if (size > limit) throw new BodyTooLarge(`body over ${limit} bytes`)
    chunks.push(chunk)
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
}
