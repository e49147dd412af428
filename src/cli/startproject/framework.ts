import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CommandError } from '../errors.js'
import type { LockEntry, Lockfile } from './lockfile.js'

/** The framework `rapidsms startproject` runs from: its folder, package.json and lockfile. */
export interface Framework {
  /** The folder holding the framework's package.json. */
  dir: string
  manifest: { name: string; version: string; [field: string]: unknown }
  /** The lockfile it was installed with, and the key of the framework's own entry in it. */
  lockfile: Lockfile | undefined
  key: string
  /** True for a checkout (its own project), false for a copy installed under node_modules. */
  checkout: boolean
}

/** The framework this code is part of. */
export function runningFramework(): Framework {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== 'rapidsms') {
    const up = dirname(dir)
    if (up === dir) throw new CommandError('cannot find the package.json of rapidsms above this command')
    dir = up
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Framework['manifest']
  const cut = dir.lastIndexOf(`${sep}node_modules${sep}`)
  if (cut < 0) return { dir, manifest, lockfile: readLockfile(join(dir, 'package-lock.json')), key: '', checkout: true }
  // Installed in another project: that project's lockfile (or npm's hidden copy of it) says how.
  const project = dir.slice(0, cut)
  const lockfile = readLockfile(join(project, 'package-lock.json')) ?? readLockfile(join(project, 'node_modules', '.package-lock.json'))
  return { dir, manifest, lockfile, key: relative(project, dir).split(sep).join('/'), checkout: false }
}

function readLockfile(file: string): Lockfile | undefined {
  if (!existsSync(file)) return undefined
  const lockfile = JSON.parse(readFileSync(file, 'utf8')) as Lockfile
  return lockfile.lockfileVersion >= 2 && lockfile.packages ? lockfile : undefined
}

/** Where a new project gets the framework from: a folder or a tarball (`npm pack`), or a registry version. */
export interface FrameworkSource {
  kind: 'folder' | 'tarball' | 'registry'
  /** An absolute path for a folder or tarball, a version range for the registry. */
  location: string
}

/**
 * The source a new project is made from: `--rapidsms` when given, else the running
 * framework's folder when it is a checkout, else the tarball or folder the project it is
 * installed in got it from (its lockfile's `resolved`), else its version from the registry.
 */
export function frameworkSource(framework: Framework, option: string | undefined, cwd: string): FrameworkSource {
  if (option) {
    const path = resolve(cwd, option)
    if (!existsSync(path)) throw new CommandError(`--rapidsms ${option}: no such folder or file`)
    if (statSync(path).isDirectory()) {
      const manifest = join(path, 'package.json')
      if (!existsSync(manifest) || JSON.parse(readFileSync(manifest, 'utf8')).name !== 'rapidsms') throw new CommandError(`--rapidsms ${option}: not a folder of rapidsms (its package.json must say "name": "rapidsms")`)
      return { kind: 'folder', location: path }
    }
    if (!/\.t(ar\.)?gz$/.test(path)) throw new CommandError(`--rapidsms ${option}: expected a folder or a tarball made by "npm pack" (.tgz)`)
    return { kind: 'tarball', location: path }
  }
  if (framework.checkout) return { kind: 'folder', location: framework.dir }
  const resolved = (framework.lockfile?.packages[framework.key] as LockEntry | undefined)?.resolved
  if (resolved?.startsWith('file:')) {
    const project = framework.dir.slice(0, framework.dir.lastIndexOf(`${sep}node_modules${sep}`))
    const path = resolve(project, resolved.slice('file:'.length))
    return { kind: /\.t(ar\.)?gz$/.test(path) ? 'tarball' : 'folder', location: path }
  }
  return { kind: 'registry', location: framework.manifest.version }
}

/** The dependency spec a project at `projectDir` writes for `source`. */
export function dependencySpec(source: FrameworkSource, projectDir: string): string {
  if (source.kind === 'registry') return source.location
  const path = relative(projectDir, source.location).split(sep).join('/')
  return `file:${path.startsWith('.') ? path : `./${path}`}`
}
