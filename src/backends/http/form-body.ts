import { knownCharset } from './charset.js'
import { bodyText, contentTypeCharset, decodeForm, isUrlencoded, messages, type InboundRequest } from './form.js'

/** The fields of a POST's form body, or why the body cannot be read as one. */
export type FormBody = { ok: true; fields: Map<string, string> } | { ok: false; reason: string }

const EMPTY = new Map<string, string>()

/**
 * A POST body as Django's `request.POST` reads it: a urlencoded form (in the charset its
 * Content-Type names) or a multipart one (its text fields, read by the web edge); an empty
 * body of any type is an empty form. A body the server cannot read as a form is refused
 * with the reason: a charset it cannot decode, a multipart body that is not valid multipart,
 * or a body of another type (Django would read no fields from it and name every field
 * missing; the reason says why).
 * @example readFormBody({ method: 'POST', query: '', body: Buffer.from('text=hi'), contentType: 'application/x-www-form-urlencoded' })
 */
export function readFormBody(request: InboundRequest): FormBody {
  if (request.multipart) return request.multipart
  if (isUrlencoded(request.contentType)) {
    const charset = contentTypeCharset(request.contentType)
    if (!knownCharset(charset)) return { ok: false, reason: messages.charset(charset!) }
    return { ok: true, fields: decodeForm(bodyText(request), charset) }
  }
  if (!request.body.byteLength) return { ok: true, fields: EMPTY }
  return { ok: false, reason: messages.notForm(request.contentType) }
}
