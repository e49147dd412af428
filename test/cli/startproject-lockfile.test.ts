import { describe, expect, it } from 'vitest'
import { closure, locate, projectLockfile, type LockEntry } from '../../src/cli/startproject/lockfile.js'

// A project that installed rapidsms: its lockfile also holds the project's other packages.
const installed: Record<string, LockEntry> = {
  '': { name: 'clinic', dependencies: { rapidsms: 'file:vendor/rapidsms-0.1.0.tgz', lodash: '4' }, devDependencies: { vitest: '4' } },
  'node_modules/rapidsms': { version: '0.1.0', resolved: 'file:vendor/rapidsms-0.1.0.tgz', dependencies: { pino: '10', hono: '4' }, peerDependencies: { vitest: '^4' }, peerDependenciesMeta: { vitest: { optional: true } } },
  'node_modules/rapidsms/node_modules/hono': { version: '4.1.0', integrity: 'sha512-h' },
  'node_modules/hono': { version: '3.0.0', integrity: 'sha512-old' },
  'node_modules/pino': { version: '10.4.0', integrity: 'sha512-p', dependencies: { 'sonic-boom': '4' }, optionalDependencies: { 'pino-darwin': '1' } },
  'node_modules/sonic-boom': { version: '4.0.0', integrity: 'sha512-s' },
  'node_modules/lodash': { version: '4.17.21', integrity: 'sha512-l' },
  'node_modules/vitest': { version: '4.1.12', integrity: 'sha512-v', dev: true, dependencies: { vite: '8' }, peerDependencies: { jsdom: '*' }, peerDependenciesMeta: { jsdom: { optional: true } } },
  'node_modules/vite': { version: '8.3.8', integrity: 'sha512-vi', dev: true, optional: true },
}

describe('a new project\'s lockfile', () => {
  it('finds packages as Node does: nested first, then up the tree', () => {
    expect(locate(installed, 'node_modules/rapidsms', 'hono')).toBe('node_modules/rapidsms/node_modules/hono')
    expect(locate(installed, 'node_modules/rapidsms', 'pino')).toBe('node_modules/pino')
    expect(locate(installed, 'node_modules/pino', 'pino-darwin')).toBeUndefined()
  })

  it('holds what rapidsms and the dev tools need, nothing of the other project; dev only where only dev tools reach', () => {
    const reached = closure(installed, [['node_modules/rapidsms', false], ['node_modules/vitest', true]])
    expect(Object.fromEntries(reached)).toEqual({
      'node_modules/rapidsms': false,
      'node_modules/rapidsms/node_modules/hono': false,
      'node_modules/pino': false,
      'node_modules/sonic-boom': false,
      'node_modules/vitest': true,
      'node_modules/vite': true,
    })
  })

  it('a required package the lockfile lacks is an error naming it', () => {
    expect(() => closure({ '': { dependencies: { gone: '1' } } }, [['', false]])).toThrow('the lockfile has no "gone", which the root needs')
  })

  it('puts the framework at node_modules/rapidsms with its nested packages, from a checkout\'s root entry', () => {
    const checkout: Record<string, LockEntry> = {
      '': { name: 'rapidsms', version: '0.1.0', dependencies: { pino: '10' }, devDependencies: { vitest: '4' } },
      'node_modules/pino': { version: '10.4.0', integrity: 'sha512-p' },
      'node_modules/vitest': { version: '4.1.12', integrity: 'sha512-v', dev: true, peer: true },
    }
    const own: LockEntry = { version: '0.1.0', resolved: 'file:../rapidsms', dependencies: { pino: '10' } }
    const lock = projectLockfile(
      { name: 'site', version: '0.1.0', dependencies: { rapidsms: 'file:../rapidsms' }, devDependencies: { vitest: '4.1.12' } },
      checkout,
      { rapidsms: { key: '', entry: own, dev: false }, vitest: { key: 'node_modules/vitest', entry: checkout['node_modules/vitest']!, dev: true } },
    )
    expect(lock).toEqual({
      name: 'site',
      version: '0.1.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'site', version: '0.1.0', dependencies: { rapidsms: 'file:../rapidsms' }, devDependencies: { vitest: '4.1.12' } },
        'node_modules/rapidsms': own,
        'node_modules/pino': { version: '10.4.0', integrity: 'sha512-p' },
        'node_modules/vitest': { version: '4.1.12', integrity: 'sha512-v', dev: true },
      },
    })
  })
})
