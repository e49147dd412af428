import { resolve } from 'node:path'
import { ConfigError } from '../core/errors.js'
import type { Dialect } from './migration.js'

export interface ParsedDatabaseUrl {
  dialect: Dialect
  /** The PostgreSQL URL, or the SQLite file path (`:memory:` for an in-memory database). */
  location: string
}

/** The database a project uses when nothing says otherwise: a SQLite file in its folder. */
export const DEFAULT_DATABASE_URL = 'sqlite:rapidsms.db'

/**
 * `postgres://user@host/db` (or `postgresql://`) selects PostgreSQL; `sqlite:FILE`,
 * `sqlite://FILE` or `sqlite::memory:` selects SQLite. Relative files resolve from `cwd`.
 */
export function parseDatabaseUrl(url: string, cwd = process.cwd()): ParsedDatabaseUrl {
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgresql', location: url }
  const sqlite = /^sqlite:(?:\/\/)?(.*)$/i.exec(url)
  if (sqlite) {
    const file = sqlite[1]!
    if (!file) throw new ConfigError('databaseUrl', `"${url}" names no file; write sqlite:FILE or sqlite::memory:`)
    return { dialect: 'sqlite', location: file === ':memory:' ? file : resolve(cwd, file) }
  }
  throw new ConfigError('databaseUrl', `"${url}" is neither postgres://... nor sqlite:FILE`)
}
