import type { MiddlewareHandler } from 'hono'
import { messages } from '../../backends/http/form.js'

const SAFE = /^(GET|HEAD|OPTIONS|TRACE)$/

/** The first name whose value (a string, or strings) holds a NUL. */
function withNul(entries: Iterable<[string, unknown]>): string | undefined {
  for (const [name, value] of entries) {
    for (const one of Array.isArray(value) ? value : [value]) if (typeof one === 'string' && (one.includes('\u0000') || name.includes('\u0000'))) return name
  }
  return undefined
}

/**
 * Reads the query and the form of every page request before the pages do, and answers `400`
 * with a line saying what was wrong instead of an error deep in a page:
 * - a body that says it is a form and is not (a multipart body without its boundary, or
 *   broken); the pages then read the form Hono kept;
 * - a NUL character in a query parameter or a form field (Django's forms refuse them, and
 *   PostgreSQL cannot store or even compare one).
 */
export function readableForm(): MiddlewareHandler {
  return async (c, next) => {
    let form: Record<string, unknown> = {}
    if (!SAFE.test(c.req.method)) {
      try {
        form = await c.req.parseBody({ all: true })
      } catch {
        const type = c.req.header('content-type') ?? ''
        return c.text(/^\s*multipart\/form-data/i.test(type) && !/;\s*boundary\s*=/i.test(type) ? messages.noBoundary : messages.multipart, 400)
      }
    }
    const field = withNul(new URL(c.req.url).searchParams) ?? withNul(Object.entries(form))
    if (field !== undefined) return c.text(`${JSON.stringify(field.replaceAll('\u0000', '\\0'))}: ${messages.nullCharacters}`, 400)
    await next()
  }
}
