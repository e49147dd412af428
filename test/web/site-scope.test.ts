import { describe, expect, it } from 'vitest'
import { DatabaseBackend, genericHttpInbound } from '../../src/index.js'
import { MessageLogApp } from '../../src/contrib/messagelog/index.js'
import { useRapidTest } from '../../src/testing/index.js'
import { createEdge } from '../../src/web/index.js'

const rapid = useRapidTest({ apps: [MessageLogApp], backends: { http: { engine: DatabaseBackend, inbound: genericHttpInbound } } })

describe('the web pages beside the backend endpoints', () => {
  it('run none of their middleware for a backend endpoint, and keep Hono on its fastest router', async () => {
    const { app } = createEdge(rapid.router)
    const backend = await app.request('http://localhost/backend/http/?identity=1&text=hi')
    expect(backend.status).toBe(200)
    // The pages' middleware sets these headers and cookies; the backend's answer has none.
    expect(backend.headers.get('content-security-policy')).toBeNull()
    expect(backend.headers.getSetCookie()).toEqual([])
    const page = await app.request('http://localhost/messagelog/')
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect((app.router as unknown as { activeRouter?: { name: string } }).activeRouter?.name).toBe('RegExpRouter')
  })

  it('are left out with web.pages: false', async () => {
    const { app } = createEdge(rapid.router, {})
    expect((await app.request('http://localhost/accounts/login/')).status).toBe(200)
    const off = createEdge(Object.create(rapid.router, { settings: { value: { ...rapid.router.settings, web: { ...rapid.router.settings.web, pages: false } } } }))
    expect((await off.app.request('http://localhost/accounts/login/')).status).toBe(404)
    expect((await off.app.request('http://localhost/backend/http/?identity=1&text=hi')).status).toBe(200)
  })
})
