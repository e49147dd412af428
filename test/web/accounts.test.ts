import { describe, expect, it } from 'vitest'
import { DatabaseBackend, genericHttpInbound, User } from '../../src/index.js'
import { FakeClock, useRapidTest } from '../../src/testing/index.js'
import { createEdge } from '../../src/web/index.js'
import { LOGIN_FAILED } from '../../src/web/accounts/pages.js'
import { hashPassword, verifyPassword } from '../../src/web/accounts/password.js'
import { createUser } from '../../src/web/accounts/users.js'
import { ADMIN, createAdmin, PageClient } from './support/client.js'

const clock = new FakeClock(new Date('2026-12-01T09:00:00Z'))
const rapid = useRapidTest({ backends: { http: { engine: DatabaseBackend, inbound: genericHttpInbound } }, clock })
const client = () => new PageClient(createEdge(rapid.router).app)

describe('passwords', () => {
  it('are stored as scrypt hashes with a salt, and only the right one matches', async () => {
    const a = await hashPassword('correct horse')
    const b = await hashPassword('correct horse')
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
    expect(a).not.toBe(b)
    expect(await verifyPassword('correct horse', a)).toBe(true)
    expect(await verifyPassword('correct horsE', a)).toBe(false)
    expect(await verifyPassword('correct horse', 'pbkdf2_sha256$1$x$y')).toBe(false)
  })

  it('a user keeps only the hash; weak passwords and taken usernames are refused by field', async () => {
    await createUser(rapid.em(), { username: 'ann', password: 'a long secret 1' })
    const row = await rapid.em().findOneOrFail(User, { username: 'ann' })
    expect(row.password.startsWith('scrypt$')).toBe(true)
    expect(row.password).not.toContain('a long secret 1')
    await expect(createUser(rapid.em(), { username: 'ann', password: 'another secret' })).rejects.toMatchObject({ field: 'username', reason: 'A user with that username already exists.' })
    await expect(createUser(rapid.em(), { username: 'bob', password: 'short' })).rejects.toMatchObject({ field: 'password' })
    await expect(createUser(rapid.em(), { username: 'bob', password: '1234567890' })).rejects.toMatchObject({ reason: 'This password is entirely numeric.' })
    await expect(createUser(rapid.em(), { username: 'b o b', password: 'a long secret 1' })).rejects.toMatchObject({ field: 'username' })
  })
})

describe('login', () => {
  it('every page redirects to the login page, with where to come back', async () => {
    const c = client()
    for (const [path, next] of [
      ['/', '%2F'],
      ['/admin/', '%2Fadmin%2F'],
      ['/admin/rapidsms/contact/?q=x', '%2Fadmin%2Frapidsms%2Fcontact%2F%3Fq%3Dx'],
    ]) {
      const response = await c.request(path!)
      expect(response.status).toBe(302)
      expect(response.headers.get('location')).toBe(`/accounts/login/?next=${next}`)
    }
  })

  it('backend endpoints and /health need no login', async () => {
    const c = client()
    expect((await c.request('/backend/http/?identity=1&text=hi')).status).toBe(200)
    expect((await c.request('/health')).status).toBe(200)
  })

  it('a wrong password says so (without saying which field) and sets no session', async () => {
    await createAdmin(rapid.db)
    const c = client()
    await c.get('/accounts/login/')
    const { status, html } = await c.post('/accounts/login/', { username: 'admin', password: 'wrong password', next: '/' })
    expect(status).toBe(400)
    expect(html).toContain(LOGIN_FAILED)
    expect(c.cookies.has('rapidsms_session')).toBe(false)
  })

  it('the right one starts a signed, HTTP-only, SameSite session and goes to next', async () => {
    await createAdmin(rapid.db)
    const c = client()
    await c.get('/accounts/login/?next=/admin/')
    const { response } = await c.post('/accounts/login/', { ...ADMIN, next: '/admin/' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/admin/')
    const cookie = response.headers.getSetCookie().find((l) => l.startsWith('rapidsms_session='))!
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Lax/)
    expect(cookie).toMatch(/Path=\//)
    expect(cookie).toMatch(/Max-Age=1209600/)
    expect((await c.get('/')).status).toBe(200)
    expect((await rapid.em().findOneOrFail(User, { username: 'admin' })).lastLogin?.toISOString()).toBe('2026-12-01T09:00:00.000Z')
  })

  it('a session cookie changed by hand, or expired, is no session', async () => {
    await createAdmin(rapid.db)
    const c = client()
    await c.login()
    const value = c.cookies.get('rapidsms_session')!
    c.cookies.set('rapidsms_session', value.replace(/^\d+/, '2'))
    expect((await c.request('/')).status).toBe(302)
    c.cookies.set('rapidsms_session', value)
    expect((await c.request('/')).status).toBe(200)
    await clock.advance('15d')
    expect((await c.request('/')).status).toBe(302)
  })

  it('changing the password ends the sessions made before', async () => {
    await createAdmin(rapid.db)
    const c = client()
    await c.login()
    await rapid.em().nativeUpdate(User, { username: 'admin' }, { password: await hashPassword('a new long secret') })
    expect((await c.request('/')).status).toBe(302)
  })

  it('never sends the user to another site after login', async () => {
    await createAdmin(rapid.db)
    for (const next of ['https://evil.example/', '//evil.example/', '/\\evil.example']) {
      const c = client()
      await c.get('/accounts/login/')
      const { response } = await c.post('/accounts/login/', { ...ADMIN, next })
      expect(response.headers.get('location')).toBe('/')
    }
  })

  it('logout takes a POST with its token and ends the session', async () => {
    await createAdmin(rapid.db)
    const c = client()
    await c.login()
    await c.get('/')
    const { response } = await c.post('/accounts/logout/', {})
    expect(response.headers.get('location')).toBe('/accounts/login/')
    expect(c.cookies.has('rapidsms_session')).toBe(false)
    expect((await c.request('/')).status).toBe(302)
    expect((await c.get('/accounts/login/')).html).toContain('You have been logged out.')
  })

  it('throttles failed logins per username: the sixth try is refused, right password or not, until the window passes', async () => {
    await createAdmin(rapid.db)
    const c = client()
    await c.get('/accounts/login/')
    for (let i = 0; i < 5; i++) expect((await c.post('/accounts/login/', { username: 'admin', password: `wrong ${i}` })).status).toBe(400)
    const refused = await c.post('/accounts/login/', { ...ADMIN })
    expect(refused.status).toBe(429)
    expect(refused.html).toContain('Too many failed login attempts. Try again in 15 minutes.')
    expect(refused.response.headers.get('retry-after')).toBe('900')
    await clock.advance('15m')
    expect((await c.post('/accounts/login/', { ...ADMIN })).status).toBe(302)
  })
})

describe('CSRF', () => {
  it('a form without its token is refused with 403, and so is a wrong token or another origin', async () => {
    await createAdmin(rapid.db)
    const c = client()
    await c.login()
    await c.get('/admin/rapidsms/contact/add/')
    const missing = await c.post('/admin/rapidsms/contact/add/', { name: 'Ann', language: '' }, { csrf: false })
    expect(missing.status).toBe(403)
    expect(missing.html).toContain('CSRF verification failed. Request aborted.')
    expect(missing.html).toContain('CSRF token missing.')
    const wrong = await c.post('/admin/rapidsms/contact/add/', { name: 'Ann', language: '', csrfmiddlewaretoken: 'x'.repeat(43) }, { csrf: false })
    expect(wrong.html).toContain('CSRF token incorrect.')
    const foreign = await c.post('/admin/rapidsms/contact/add/', { name: 'Ann', language: '' }, { origin: 'http://evil.example' })
    expect(foreign.status).toBe(403)
    expect(await rapid.em().count('Contact', {})).toBe(0)
    expect((await c.post('/admin/rapidsms/contact/add/', { name: 'Ann', language: '' })).status).toBe(302)
    expect(await rapid.em().count('Contact', {})).toBe(1)
  })

  it('the login form needs its token too', async () => {
    await createAdmin(rapid.db)
    const c = client()
    await c.get('/accounts/login/')
    expect((await c.post('/accounts/login/', { ...ADMIN }, { csrf: false })).status).toBe(403)
    const fresh = client()
    expect((await fresh.post('/accounts/login/', { ...ADMIN }, { csrf: false })).html).toContain('CSRF cookie not set.')
  })
})
