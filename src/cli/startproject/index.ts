import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CommandError } from '../errors.js'
import { dependencySpec, frameworkSource, runningFramework, type Framework, type FrameworkSource } from './framework.js'
import { locate, projectLockfile, type LockEntry } from './lockfile.js'

const TEMPLATE = fileURLToPath(new URL('./template/', import.meta.url))
/** Template files whose name is not the one they get (npm would treat them as its own). */
const RENAMED: Record<string, string> = { 'package.template.json': 'package.json', 'tsconfig.template.json': 'tsconfig.json', gitignore: '.gitignore' }
/** What a project installs for its tests and type checks, at the framework's own versions. */
const DEV_TOOLS = ['vitest', 'typescript', '@types/node']

export interface StartProjectOptions {
  /** A rapidsms folder or a tarball made with `npm pack`, instead of the running framework. */
  rapidsms?: string
}

/**
 * `rapidsms startproject NAME [DIRECTORY]` (Django's startproject): write a new project
 * into DIRECTORY (default: ./NAME), depending on this framework through a path (a folder or
 * a tarball) until it is published, with a lockfile of the exact packages the framework
 * runs on, so `npm install` works offline from npm's cache.
 */
export function startProject(name: string, directory: string | undefined, options: StartProjectOptions, out: (line: string) => void, cwd = process.cwd()): string {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) throw new CommandError(`"${name}" is not a valid project name: use letters, digits, "-" and "_", starting with a letter`)
  const target = resolve(cwd, directory ?? name)
  if (existsSync(target) && readdirSync(target).length) throw new CommandError(`${target} already exists and is not empty`)
  const framework = runningFramework()
  const source = frameworkSource(framework, options.rapidsms, cwd)
  const spec = dependencySpec(source, target)
  const packageName = name.toLowerCase()

  const files = templateFiles(TEMPLATE)
  mkdirSync(target, { recursive: true })
  for (const file of files) {
    const text = readFileSync(join(TEMPLATE, file), 'utf8').replaceAll('{{ project_name }}', name).replaceAll('{{ package_name }}', packageName)
    const to = join(target, dirname(file), RENAMED[file.split('/').at(-1)!] ?? file.split('/').at(-1)!)
    mkdirSync(dirname(to), { recursive: true })
    writeFileSync(to, text)
  }
  // A folder is installed as a copy (as a tarball would be), not a link: a link would give
  // the project the framework's own node_modules, with a second copy of vitest.
  if (source.kind === 'folder') writeFileSync(join(target, '.npmrc'), 'install-links=true\n')

  const manifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as Record<string, unknown>
  const devDependencies = devTools(framework)
  const project = { name: packageName, version: manifest.version as string, dependencies: { rapidsms: spec }, devDependencies: Object.fromEntries(Object.entries(devDependencies).map(([n, d]) => [n, d.version])) }
  writeFileSync(join(target, 'package.json'), `${JSON.stringify({ ...manifest, dependencies: project.dependencies, devDependencies: project.devDependencies }, null, 2)}\n`)
  const locked = writeLockfile(target, framework, source, spec, project, devDependencies)

  const where = relative(cwd, target) || '.'
  out(`Created ${where}/, with rapidsms ${framework.manifest.version} from ${source.kind === 'registry' ? 'the package registry' : `${relative(target, source.location) || '.'} (a ${source.kind})`}.`)
  if (!locked) out('No lockfile was found for the installed framework: npm install will ask the package registry for its dependencies.')
  out('Next:')
  out(`  cd ${where}`)
  out('  npm install')
  out('  npm start')
  return target
}

function templateFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((entry) => (statSync(join(dir, entry)).isDirectory() ? templateFiles(join(dir, entry), `${prefix}${entry}/`) : [`${prefix}${entry}`]))
}

/** The dev tools at the versions the framework's lockfile has (ranges when it has none). */
function devTools(framework: Framework): Record<string, { version: string; key?: string }> {
  const packages = framework.lockfile?.packages ?? {}
  const fallback: Record<string, string> = { vitest: '^4.1.0', typescript: '^5.9.0', '@types/node': '^20.19.0' }
  return Object.fromEntries(
    DEV_TOOLS.map((name) => {
      const key = locate(packages, framework.key, name)
      const version = key ? packages[key]!.version : undefined
      return [name, version && key ? { version, key } : { version: fallback[name]! }]
    }),
  )
}

/** Write package-lock.json from the framework's lockfile; false when there is none to cut it from. */
function writeLockfile(
  target: string,
  framework: Framework,
  source: FrameworkSource,
  spec: string,
  project: Parameters<typeof projectLockfile>[0],
  devDependencies: Record<string, { version: string; key?: string }>,
): boolean {
  if (!framework.lockfile || source.kind === 'registry' || Object.values(devDependencies).some((d) => !d.key)) return false
  const packages = framework.lockfile.packages
  const m = framework.manifest as Record<string, unknown>
  const own: LockEntry = { version: m.version as string, resolved: spec }
  for (const field of ['license', 'dependencies', 'peerDependencies', 'peerDependenciesMeta', 'bin', 'engines'] as const) if (m[field] !== undefined) own[field] = m[field] as never
  const top: Parameters<typeof projectLockfile>[2] = { rapidsms: { key: framework.key, entry: own, dev: false } }
  for (const [name, tool] of Object.entries(devDependencies)) top[name] = { key: tool.key!, entry: packages[tool.key!]!, dev: true }
  try {
    const lockfile = projectLockfile(project, packages, top)
    writeFileSync(join(target, 'package-lock.json'), `${JSON.stringify(lockfile, null, 2)}\n`)
    return true
  } catch {
    return false
  }
}
