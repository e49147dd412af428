import { describe, expect, it } from 'vitest'
import { ConfigError, DatabaseBackend, defineConfig, genericHttpInbound, HttpBackend } from '../../src/index.js'
import { createEdge } from '../../src/web/index.js'
import type { Host } from '../../src/runtime/host.js'

function configError(run: () => unknown): ConfigError {
  try {
    run()
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('accepted bad settings')
}

describe('web settings', () => {
  it('default to 127.0.0.1:8000', () => {
    expect(defineConfig({}).web).toEqual({ host: '127.0.0.1', port: 8000, bodyLimit: 1048576, shutdownGraceMs: 10000, requestLog: true, pages: true, uploadLimit: 10485760 })
  })

  it.each([
    [{ web: { port: 'eighty' } }, 'web.port'],
    [{ web: { port: 70000 } }, 'web.port'],
    [{ web: { host: '' } }, 'web.host'],
    [{ web: { prot: 8000 } }, 'web.prot'],
    [{ web: { bodyLimit: 0 } }, 'web.bodyLimit'],
  ])('%j is refused naming %s', (settings, key) => {
    const error = configError(() => defineConfig(settings as never))
    expect(error.key).toBe(key)
    expect(error.message).toContain(`"${key}"`)
  })

  /** Just enough of a host for createEdge to read settings and backends. */
  const hostWith = (backends: Record<string, Record<string, unknown>>) => {
    const settings = defineConfig({ backends: backends as never })
    const actors = new Map(Object.entries(backends).map(([name, entry]) => [name, { backend: new (entry.engine as typeof HttpBackend)({} as never, name, entry) }]))
    return { settings, backends: actors } as unknown as Host
  }

  it.each([
    [{ engine: DatabaseBackend, inbound: 'http' }, 'backends.b.inbound'],
    [{ engine: DatabaseBackend, allowed_ips: ['10.0.0.300'] }, 'backends.b.allowed_ips'],
    [{ engine: DatabaseBackend, allowed_ips: ['10.0.0.0/33'] }, 'backends.b.allowed_ips'],
    [{ engine: DatabaseBackend, shared_secret: 42 }, 'backends.b.shared_secret'],
    [{ engine: DatabaseBackend, inbound_username: 'u' }, 'backends.b.inbound_password'],
    [{ engine: DatabaseBackend, inbound: genericHttpInbound, identity_name: 'x', text_name: 'x' }, 'backends.b.text_name'],
  ])('inbound settings %j are checked at startup, naming %s', (entry, key) => {
    expect(configError(() => createEdge(hostWith({ b: entry }))).key).toBe(key)
  })
})
