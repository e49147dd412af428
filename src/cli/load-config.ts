import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { defineConfig, type Settings } from '../core/config.js'
import { ConfigError } from '../core/errors.js'

/** The file names `rapidsms` looks for in the project folder, in this order. */
export const CONFIG_FILES = ['rapidsms.config.ts', 'rapidsms.config.mts', 'rapidsms.config.js', 'rapidsms.config.mjs']

export interface LoadedConfig {
  settings: Settings
  file: string
  /** The project folder: the config file's folder. */
  dir: string
}

/** Load and validate the project's settings (the default export of its config file). */
export async function loadConfig(cwd: string, file?: string): Promise<LoadedConfig> {
  const path = file ? resolve(cwd, file) : CONFIG_FILES.map((name) => resolve(cwd, name)).find((p) => existsSync(p))
  if (!path || !existsSync(path)) {
    throw new ConfigError('', file ? `no config file at ${path}` : `no ${CONFIG_FILES[0]} in ${cwd}; create one (see the README) or pass --config FILE`)
  }
  let module: { default?: unknown }
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown }
  } catch (error) {
    throw asModuleTypeError(error, path) ?? error
  }
  if (!module.default || typeof module.default !== 'object') {
    throw new ConfigError('', `${path} must export its settings as default: export default defineConfig({ ... })`)
  }
  return { settings: defineConfig(module.default as Settings), file: path, dir: dirname(path) }
}

/**
 * A .js config with `import`/`export` in a package whose package.json says (or defaults to)
 * "type": "commonjs" fails in Node with an error that does not say why; say what to change.
 * (TypeScript configs always load as ES modules: see project-modules.mjs.)
 */
function asModuleTypeError(error: unknown, path: string): ConfigError | undefined {
  const code = (error as { code?: string })?.code
  const message = String((error as Error)?.message ?? '')
  const esmAsCommonJs =
    code === 'ERR_REQUIRE_CYCLE_MODULE' ||
    code === 'ERR_REQUIRE_ESM' ||
    (error instanceof SyntaxError && /Cannot use import statement outside a module|Unexpected token 'export'/.test(message))
  if (!esmAsCommonJs) return undefined
  return new ConfigError('', `${path} is an ES module (it uses import/export), but Node loads it as CommonJS: add "type": "module" to the project's package.json, or name the file rapidsms.config.ts or rapidsms.config.mjs`)
}
