import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setSignedCookie } from 'hono/cookie'
import { User } from '../../models/index.js'
import type { SiteEnv } from '../pages/context.js'

export const SESSION_COOKIE = 'rapidsms_session'
/** Django's SESSION_COOKIE_AGE: two weeks. */
export const SESSION_AGE_S = 14 * 24 * 3600

/**
 * A fingerprint of the user's password hash: a session cookie carries it, so changing the
 * password ends every session made before (Django's session auth hash).
 */
function authHash(secret: string, user: Pick<User, 'password'>): string {
  return createHmac('sha256', secret).update(`session:${user.password}`).digest('base64url').slice(0, 22)
}

/**
 * The value of a cookie Hono's setSignedCookie wrote (`value.base64 HMAC-SHA256`), or
 * undefined when its signature does not match. Checked with node:crypto, synchronously:
 * WebCrypto's verify (Hono's getSignedCookie) costs about 2 ms a page on a busy machine.
 */
export function verifiedCookie(c: Context, name: string, secret: string): string | undefined {
  const cookie = getCookie(c, name)
  const dot = cookie?.lastIndexOf('.') ?? -1
  if (!cookie || dot < 0) return undefined
  const value = cookie.slice(0, dot)
  const given = Buffer.from(cookie.slice(dot + 1), 'base64')
  const expected = createHmac('sha256', secret).update(value).digest()
  return given.length === expected.length && timingSafeEqual(given, expected) ? value : undefined
}

/** Cookies are `Secure` when the page was served over HTTPS. */
export function cookieBase(c: Context): { path: string; httpOnly: true; sameSite: 'Lax'; secure: boolean } {
  return { path: '/', httpOnly: true, sameSite: 'Lax', secure: new URL(c.req.url).protocol === 'https:' }
}

/**
 * Reads the signed session cookie (`user id . expiry . auth hash`) and sets `user` when it
 * is valid, unexpired, and its user still active with the same password; otherwise no user.
 */
export function sessionMiddleware(): MiddlewareHandler<SiteEnv> {
  return async (c, next) => {
    const site = c.get('site')
    c.set('user', undefined)
    const value = verifiedCookie(c, SESSION_COOKIE, await site.secret())
    if (value) {
      const [id, expires, hash] = value.split('.')
      if (Number(expires) * 1000 > site.router.clock.now()) {
        const user = await site.em().findOne(User, { id: Number(id), isActive: true })
        if (user && hash === authHash(await site.secret(), user)) c.set('user', user)
      }
    }
    await next()
  }
}

/** Log `user` in: a new session cookie, and their last login recorded. */
export async function startSession(c: Context<SiteEnv>, user: User): Promise<void> {
  const site = c.get('site')
  const secret = await site.secret()
  const expires = Math.floor(site.router.clock.now() / 1000) + SESSION_AGE_S
  await setSignedCookie(c, SESSION_COOKIE, `${user.id}.${expires}.${authHash(secret, user)}`, secret, { ...cookieBase(c), maxAge: SESSION_AGE_S })
  await site.em().nativeUpdate(User, { id: user.id }, { lastLogin: site.router.clock.date() })
  c.set('user', user)
}

export function endSession(c: Context<SiteEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' })
  c.set('user', undefined)
}

/** Pages past this need a logged-in user: others are sent to the login page, then back. */
export function loginRequired(): MiddlewareHandler<SiteEnv> {
  return async (c, next) => {
    if (c.get('user')) return next()
    const url = new URL(c.req.url)
    return c.redirect(`/accounts/login/?next=${encodeURIComponent(url.pathname + url.search)}`, 302)
  }
}

/** A local path to go back to after login; anything else (another site, `//evil`) is `/`. */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) && !/[\r\n]/.test(next) ? next : '/'
}
