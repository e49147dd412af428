import { fc, it } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { AppBase, ConfigError, DatabaseBackend, defineConfig, KannelBackend } from '../../src/index.js'
import { coreSettings } from '../../src/core/config.js'
import { DefaultApp } from '../../src/contrib/default/index.js'
import { EchoHandler } from '../../src/contrib/echo/index.js'
import { RegistrationApp } from '../../src/contrib/registration/index.js'
import { fuzz, fuzzTimeout } from './support/runs.js'

const KEYS = Object.keys(coreSettings)
class App extends AppBase {}
const RUNS = 300

/** Values a settings file may hold by mistake or on purpose. */
const anyValue = fc.oneof(
  { weight: 3, arbitrary: fc.anything({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(App, DefaultApp, RegistrationApp, EchoHandler, DatabaseBackend, KannelBackend, class {}, () => 1, Symbol('x'), 10n, Number.NaN, -0, Infinity) },
)
const backendEntry = fc.oneof(
  fc.record({ engine: fc.constantFrom<unknown>(DatabaseBackend, KannelBackend, App, 'DatabaseBackend', undefined) }),
  fc.dictionary(fc.string({ maxLength: 12 }), anyValue, { maxKeys: 3 }).map((d) => ({ engine: DatabaseBackend, ...d })),
  anyValue,
)
const valueFor = (key: string): fc.Arbitrary<unknown> => {
  switch (key) {
    case 'apps':
      return fc.oneof(fc.array(fc.constantFrom<unknown>(App, DefaultApp, RegistrationApp, EchoHandler, 'rapidsms.contrib.default', null), { maxLength: 4 }), anyValue)
    case 'handlers':
      return fc.oneof(fc.array(fc.constantFrom<unknown>(EchoHandler, App, 'echo'), { maxLength: 3 }), anyValue)
    case 'backends':
      return fc.oneof(fc.dictionary(fc.string({ maxLength: 25 }), backendEntry, { maxKeys: 3 }), anyValue)
    case 'router':
      return fc.oneof(fc.constantFrom('blocking', 'database', 'queued', 'rapidsms.router.db.DatabaseRouter', 'celery', ''), anyValue)
    case 'web':
      return fc.oneof(fc.record({ host: fc.oneof(fc.string(), anyValue), port: fc.oneof(fc.integer({ min: -10, max: 70000 }), anyValue) }, { requiredKeys: [] }), anyValue)
    default:
      return anyValue
  }
}
const misspelled = fc.constantFrom(...KEYS).chain((key) => fc.constantFrom(key.toLowerCase(), key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).toUpperCase(), `${key}s`))
const settings = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: misspelled }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }), { maxLength: 5 })
  .chain((keys) => fc.tuple(...keys.map((key) => fc.tuple(fc.constant(key), valueFor(key)))))
  .map((entries) => Object.fromEntries(entries as [string, unknown][]))

describe('settings validation (defineConfig) under fuzzing', () => {
  it.prop([settings], fuzz(RUNS, 1))('any settings object: validated settings, or a ConfigError naming a key it holds', (input) => {
    try {
      const validated = defineConfig(input as never)
      expect(validated.router).toMatch(/^(blocking|queued|database)$/)
    } catch (error) {
      expect(error, String(error)).toBeInstanceOf(ConfigError)
      const key = (error as ConfigError).key
      expect(key === '' || Object.hasOwn(input, key.split('.')[0]!) || Object.hasOwn(input, key), `key "${key}" of ${String(error)}`).toBe(true)
    }
  }, fuzzTimeout(RUNS, 1))

  it.prop([fc.anything()], fuzz(RUNS, 1))('anything else: a ConfigError, or settings when it is an object of known settings', (input) => {
    try {
      defineConfig(input as never)
    } catch (error) {
      expect(error, String(error)).toBeInstanceOf(ConfigError)
    }
  }, fuzzTimeout(RUNS, 1))

  const valid = fc.record(
    {
      projectName: fc.string(),
      defaultResponse: fc.option(fc.string().map((s) => s.replaceAll('%', '%%'))),
      dbRouterBatchSize: fc.integer({ min: 1, max: 100_000 }),
      router: fc.constantFrom('blocking', 'database', 'rapidsms.router.db.DatabaseRouter'),
      connectionIdleMs: fc.integer({ min: 1 }),
      web: fc.record({ host: fc.string({ minLength: 1 }), port: fc.integer({ min: 0, max: 65535 }), requestLog: fc.boolean() }),
    },
    { requiredKeys: [] },
  )
  it.prop([valid], fuzz(RUNS, 1))('valid settings come back as given, defaults filled in', (input) => {
    const validated = defineConfig(input)
    const { router, web, ...rest } = input
    expect(validated).toMatchObject(rest)
    if (router) expect(validated.router).toBe(router === 'rapidsms.router.db.DatabaseRouter' ? 'database' : router)
    if (web) expect(validated.web).toMatchObject(web)
    expect(validated.apps).toEqual([])
  }, fuzzTimeout(RUNS, 1))
})
