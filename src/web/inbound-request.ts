import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import { messages, type InboundRequest } from '../backends/http/form.js'

/** The request body was larger than the limit (413). */
export class BodyTooLarge extends Error {
  override name = 'BodyTooLarge'
}

/** The request body could not be read to its end: the client went away or its stream failed (400). */
export class BodyCutOff extends Error {
  override name = 'BodyCutOff'
}

const EMPTY: Uint8Array = new Uint8Array(0)
const MULTIPART = /^\s*multipart\/form-data\s*(;|$)/i

/**
 * Reduce a request to what backend views read: method, raw query, body bytes (at most
 * `limit`), content type, and for a multipart body its text fields (Django's request.POST
 * reads multipart forms too; parsing one is asynchronous, views are not). On
 * @hono/node-server the body is read from Node's request stream (building a web Request per
 * message costs more than the rest of the edge). Throws BodyTooLarge or BodyCutOff.
 */
export async function inboundRequest(c: Context, limit: number): Promise<InboundRequest> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  const method = incoming?.method ?? c.req.raw.method
  const target = incoming?.url ?? c.req.raw.url
  const q = target.indexOf('?')
  const query = q < 0 ? '' : target.slice(q + 1).split('#')[0]!
  const contentType = (incoming ? incoming.headers['content-type'] : c.req.raw.headers.get('content-type')) ?? undefined
  if (method === 'GET' || method === 'HEAD') return { method, query, body: EMPTY, contentType }
  const declared = Number((incoming ? incoming.headers['content-length'] : c.req.raw.headers.get('content-length')) ?? NaN)
  if (declared > limit) throw new BodyTooLarge(`body of ${declared} bytes`)
  const body = incoming ? await readLimited(incoming, limit) : c.req.raw.body ? await readLimited(c.req.raw.body as unknown as AsyncIterable<Uint8Array>, limit) : EMPTY
  if (contentType && MULTIPART.test(contentType)) return { method, query, body, contentType, multipart: await readMultipart(body, contentType) }
  return { method, query, body, contentType }
}

/** The text fields of a multipart/form-data body (files are left out, as request.POST leaves them), read by the platform's parser. */
async function readMultipart(body: Uint8Array, contentType: string): Promise<NonNullable<InboundRequest['multipart']>> {
  if (!/;\s*boundary\s*=/i.test(contentType)) return { ok: false, reason: messages.noBoundary }
  // Django reads an empty multipart body as an empty form.
  if (!body.byteLength) return { ok: true, fields: new Map() }
  let form: FormData
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData()
  } catch {
    return { ok: false, reason: messages.multipart }
  }
  const fields = new Map<string, string>()
  for (const [key, value] of form) if (typeof value === 'string') fields.set(key, value)
  return { ok: true, fields }
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
    // A client that goes away before the end of its body (Node emits the error, then close).
    stream.once('error', () => reject(new BodyCutOff(cutOff(size))))
    stream.once('close', () => stream.complete || reject(new BodyCutOff(cutOff(size))))
  })
}

async function readIterable(stream: AsyncIterable<Uint8Array>, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for await (const chunk of stream) {
      size += chunk.byteLength
      if (size > limit) throw new BodyTooLarge(`body over ${limit} bytes`)
      chunks.push(chunk)
    }
  } catch (error) {
    if (error instanceof BodyTooLarge) throw error
    throw new BodyCutOff(cutOff(size))
  }
  return chunks.length === 1 ? chunks[0]! : chunks.length ? Buffer.concat(chunks) : EMPTY
}

function cutOff(size: number): string {
  return `The body was cut off after ${size} bytes.`
}
