import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { csrf } from 'hono/csrf'
import { HTTPException } from 'hono/http-exception'
import type { SiteEnv } from '../pages/context.js'
import { cookieBase } from './session.js'

export const CSRF_COOKIE = 'rapidsms_csrf'
/** The form field (Django's name) and the header scripts may send instead. */
export const CSRF_FIELD = 'csrfmiddlewaretoken'
export const CSRF_HEADER = 'x-csrftoken'

const SAFE = /^(GET|HEAD|OPTIONS)$/

function tokenFor(secret: string, cookie: string): string {
  return createHmac('sha256', secret).update(`csrf:${cookie}`).digest('base64url')
}

/** A new random CSRF cookie (at login, so a token seen before it is worth nothing after). */
export function rotateCsrf(c: Context<SiteEnv>, secret: string): void {
  const cookie = randomBytes(24).toString('base64url')
  setCookie(c, CSRF_COOKIE, cookie, { ...cookieBase(c), maxAge: 365 * 24 * 3600 })
  c.set('csrfToken', tokenFor(secret, cookie))
}

/**
 * CSRF protection for every form: first Hono's own check (the request's Origin or
 * Sec-Fetch-Site must be this site), then a token: a random HttpOnly cookie, and on each
 * page a token derived from it (HMAC with the site's secret) that forms send back as
 * `csrfmiddlewaretoken` (or scripts as `X-CSRFToken`). A POST, PUT, PATCH or DELETE
 * without a matching token gets 403.
 */
export function csrfProtection(): MiddlewareHandler<SiteEnv> {
  const sameOrigin = csrf()
  return async (c, next) => {
    const secret = await c.get('site').secret()
    let cookie = getCookie(c, CSRF_COOKIE)
    if (!cookie || !/^[\w-]{32}$/.test(cookie)) {
      if (!SAFE.test(c.req.method)) return refuse(c, 'CSRF cookie not set.')
      rotateCsrf(c, secret)
    } else c.set('csrfToken', tokenFor(secret, cookie))
    if (SAFE.test(c.req.method)) return next()
    try {
      await sameOrigin(c, async () => {})
    } catch (error) {
      if (error instanceof HTTPException) return refuse(c, 'Origin checking failed: the request does not come from this site.')
      throw error
    }
    const given = c.req.header(CSRF_HEADER) ?? (await formToken(c))
    if (!given) return refuse(c, 'CSRF token missing.')
    if (!same(given, c.get('csrfToken'))) return refuse(c, 'CSRF token incorrect.')
    await next()
  }
}

async function formToken(c: Context): Promise<string | undefined> {
  const type = c.req.header('content-type') ?? ''
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return undefined
  // Hono keeps the parsed body, so the page's handler reads it again for free.
  const body = await c.req.parseBody({ all: true }).catch(() => ({}) as Record<string, unknown>)
  const value = body[CSRF_FIELD]
  return typeof value === 'string' ? value : undefined
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Django's answer: 403, "CSRF verification failed. Request aborted." and the reason. */
function refuse(c: Context, reason: string): Response {
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>403 Forbidden</title></head><body><main><h1>Forbidden (403)</h1><p>CSRF verification failed. Request aborted.</p><p>${reason}</p></main></body></html>`,
    403,
  )
}
