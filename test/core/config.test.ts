import { describe, expect, it } from 'vitest'
import { AppBase, ConfigError, DatabaseBackend, defineConfig, DEFAULT_RESPONSE } from '../../src/index.js'
import { z } from 'zod'

class App extends AppBase {}
class WithSettings extends AppBase {
  static override settings = { languages: z.array(z.tuple([z.string(), z.string()])).default([['en', 'English']]) }
}

function configError(settings: Record<string, unknown>): ConfigError {
  try {
    defineConfig(settings)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('defineConfig accepted bad settings')
}

describe('defineConfig', () => {
  it('fills in the RapidSMS defaults', () => {
    const settings = defineConfig({})
    expect(settings).toMatchObject({
      projectName: 'RapidSMS',
      defaultResponse: DEFAULT_RESPONSE,
      apps: [],
      backends: {},
      router: 'blocking',
      dbRouterBatchSize: 200,
    })
    // RAPIDSMS_HANDLERS is not set unless the project sets it (then discovery applies).
    expect(settings.handlers).toBeUndefined()
    expect(DEFAULT_RESPONSE).toBe('Sorry, %(project_name)s could not understand your message.')
  })

  it('accepts RapidSMS router paths as names', () => {
    expect(defineConfig({ router: 'rapidsms.router.db.DatabaseRouter' }).router).toBe('database')
  })

  it.each([
    [{ projectname: 'x' }, 'projectname', /did you mean "projectName"/],
    [{ INSTALLED_APPS: [] }, 'INSTALLED_APPS', /unknown setting/],
    [{ projectName: 3 }, 'projectName', /expected string/],
    [{ apps: [App, 'rapidsms.contrib.default'] }, 'apps.1', /app class/],
    [{ backends: { tester: { ENGINE: DatabaseBackend } } }, 'backends.tester.engine', /backend class/],
    [{ backends: { 'a-name-longer-than-twenty': { engine: DatabaseBackend } } }, 'backends.a-name-longer-than-twenty', /at most 20/],
    [{ router: 'celery' }, 'router', /expected one of/],
    [{ dbRouterBatchSize: 0 }, 'dbRouterBatchSize', /expected number to be >0/],
    [{ defaultResponse: 42 }, 'defaultResponse', /expected string/],
  ])('rejects %j naming %s', (settings, key, reason) => {
    const error = configError(settings)
    expect(error.key).toBe(key)
    expect(error.message).toContain(`"${key}"`)
    expect(error.message).toMatch(reason)
  })

  it('knows the settings of installed apps', () => {
    expect(defineConfig({ apps: [WithSettings] }).languages).toEqual([['en', 'English']])
    expect(configError({ apps: [WithSettings], languages: 'fr' }).key).toBe('languages')
    expect(configError({ apps: [App], languages: [] }).key).toBe('languages')
  })

  it.each([undefined, null, 'settings', 42, [], [{ projectName: 'x' }]])('refuses %j, which is not an object of settings, with a ConfigError', (settings) => {
    expect(() => defineConfig(settings as never)).toThrow(new ConfigError('', 'expected an object of settings'))
  })

  it('allows defaultResponse null (no reply)', () => {
    expect(defineConfig({ defaultResponse: null }).defaultResponse).toBeNull()
  })
})
