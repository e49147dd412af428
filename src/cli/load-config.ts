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
  const module = (await import(pathToFileURL(path).href)) as { default?: unknown }
  if (!module.default || typeof module.default !== 'object') {
    throw new ConfigError('', `${path} must export its settings as default: export default defineConfig({ ... })`)
  }
  return { settings: defineConfig(module.default as Settings), file: path, dir: dirname(path) }
}
