/**
 * A new project's package-lock.json, cut from the lockfile the running framework was
 * installed with: the exact packages (versions and integrity hashes) the framework runs on,
 * so `npm install` in the new project needs no registry metadata and works offline from
 * npm's cache.
 */

/** One entry of a lockfile's `packages` (lockfileVersion 2 or 3). */
export interface LockEntry {
  version?: string
  resolved?: string
  integrity?: string
  link?: boolean
  dev?: boolean
  optional?: boolean
  devOptional?: boolean
  peer?: boolean
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  [field: string]: unknown
}

export interface Lockfile {
  name?: string
  version?: string
  lockfileVersion: number
  requires?: boolean
  packages: Record<string, LockEntry>
}

/** Where Node would find package `name` when required from the package at `from` (a lockfile key). */
export function locate(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from
  for (;;) {
    const key = `${base ? `${base}/` : ''}node_modules/${name}`
    if (packages[key]) return key
    if (!base) return undefined
    const cut = base.lastIndexOf('/node_modules/')
    base = cut < 0 ? '' : base.slice(0, cut)
  }
}

/**
 * The names a package needs installed beside it: dependencies, optional ones (skipped when
 * absent: another platform's binaries) and required peers. Optional peers are the
 * project's choice, not the package's.
 */
function needs(entry: LockEntry): { name: string; optional: boolean }[] {
  const out = Object.keys(entry.dependencies ?? {}).map((name) => ({ name, optional: false }))
  for (const name of Object.keys(entry.optionalDependencies ?? {})) out.push({ name, optional: true })
  for (const name of Object.keys(entry.peerDependencies ?? {})) if (!entry.peerDependenciesMeta?.[name]?.optional) out.push({ name, optional: false })
  return out
}

/**
 * Every lockfile key a package needs, with its own closure: `roots` are `[key, dev]` pairs.
 * A package is dev when only dev roots reach it. Optional packages missing from the lockfile
 * (another platform's binaries, peers nobody installed) are skipped; a missing required one
 * throws, naming it.
 */
export function closure(packages: Record<string, LockEntry>, roots: [string, boolean][]): Map<string, boolean> {
  const dev = new Map<string, boolean>()
  const visit = (key: string, isDev: boolean) => {
    const seen = dev.get(key)
    if (seen === false || (seen === true && isDev)) return
    dev.set(key, isDev)
    const entry = packages[key]!
    if (entry.link) return
    for (const need of needs(entry)) {
      const found = locate(packages, key, need.name)
      if (found) visit(found, isDev)
      else if (!need.optional) throw new Error(`the lockfile has no "${need.name}", which ${key || 'the root'} needs`)
    }
  }
  for (const [key, isDev] of roots) visit(key, isDev)
  return dev
}

/**
 * The lockfile of a project `{ name, version, dependencies, devDependencies }` whose
 * dependencies are `top` (name -> the lockfile entry to install at node_modules/<name>,
 * whatever key the source had it at) and their closure in `source`.
 */
export function projectLockfile(
  project: { name: string; version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> },
  source: Record<string, LockEntry>,
  top: Record<string, { key: string; entry: LockEntry; dev: boolean }>,
): Lockfile {
  const packages: Record<string, LockEntry> = { '': { ...project } }
  const topKeys = new Map(Object.entries(top).map(([name, t]) => [t.key, name]))
  const reached = closure(source, Object.values(top).map((t) => [t.key, t.dev] as [string, boolean]))
  // A package nested under a top package's own key moves with it to node_modules/<name>/...
  const rekey = (key: string) => {
    for (const [from, name] of topKeys) {
      if (key === from) return `node_modules/${name}`
      if (from && key.startsWith(`${from}/node_modules/`)) return `node_modules/${name}${key.slice(from.length)}`
    }
    return key
  }
  for (const [key, isDev] of [...reached].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const name = topKeys.get(key)
    const { dev: _dev, devOptional, optional, peer: _peer, ...entry } = name ? top[name]!.entry : source[key]!
    const flags: LockEntry = {}
    if (isDev) flags.dev = true
    if (optional || devOptional) flags.optional = true
    packages[rekey(key)] = { ...entry, ...flags }
  }
  return { name: project.name, version: project.version, lockfileVersion: 3, requires: true, packages }
}
