import type { Context, MiddlewareHandler } from 'hono'
import { generateCookie, getCookie } from 'hono/cookie'
import type { Flash, SiteEnv } from './context.js'
import { cookieBase } from '../accounts/session.js'

const FLASH_COOKIE = 'rapidsms_messages'
const LEVELS = new Set<Flash['level']>(['success', 'info', 'warning', 'danger'])
/** Messages queued by this request, for the next page. */
const QUEUED = new WeakMap<Context, Flash[]>()
/** Requests whose page showed the messages it found. */
const SHOWN = new WeakSet<Context>()

function decode(value: string | undefined): Flash[] {
  if (!value) return []
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
    return Array.isArray(parsed) ? parsed.filter((f): f is Flash => typeof f?.text === 'string' && LEVELS.has(f?.level)).slice(0, 20) : []
  } catch {
    return []
  }
}

/**
 * Messages live in a cookie until a page shows them (Django's messages framework): a
 * redirect on the way (to the login page, say) does not use them up.
 */
export function flashMiddleware(): MiddlewareHandler<SiteEnv> {
  return async (c, next) => {
    const found = decode(getCookie(c, FLASH_COOKIE))
    c.set('flash', found)
    await next()
    const queued = QUEUED.get(c) ?? []
    const shown = SHOWN.has(c)
    if (!queued.length && (!shown || !found.length)) return
    const kept = [...(shown ? [] : found), ...queued].slice(-5)
    // Kept short: a cookie holds about 4 KB.
    const value = Buffer.from(JSON.stringify(kept.map((f) => ({ level: f.level, text: f.text.slice(0, 500) })))).toString('base64url')
    c.res.headers.append('set-cookie', generateCookie(FLASH_COOKIE, kept.length ? value : '', { ...cookieBase(c), maxAge: kept.length ? 300 : 0 }))
  }
}

/** The layout showed this request's messages: they are used up. */
export function flashShown(c: Context): void {
  SHOWN.add(c)
}

/**
 * Show a message on the next page this browser gets (after a redirect, typically).
 * @example flash(c, 'success', 'Added contact'); return c.redirect('/registration/')
 */
export function flash(c: Context<SiteEnv>, level: Flash['level'], text: string): void {
  QUEUED.set(c, [...(QUEUED.get(c) ?? []), { level, text }])
}
