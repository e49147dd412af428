import type { Clock } from '../core/clock.js'
import { defineConfig, type Settings, type UserSettings } from '../core/config.js'
import { environment } from '../core/environment.js'
import { ConfigError } from '../core/errors.js'
import { configureLogging, getLogger } from '../core/logger.js'
import type { Database } from '../models/index.js'
import { MemoryBus, NatsBus, type Bus } from './bus/index.js'
import { routingStrategyClass } from './routing/index.js'
import { openProjectDatabase } from './schema.js'

const log = getLogger('rapidsms.router')

export interface BootstrapOptions {
  /** Use this database instead of opening the configured one (the host will not close it). */
  db?: Database
  /** Overrides `databaseUrl` and DATABASE_URL. */
  databaseUrl?: string
  /** Folder a relative SQLite file resolves from (the project folder). */
  cwd?: string
  /** Use this bus instead of the configured one (the host will not close it). */
  bus?: Bus
  /** Apply pending migrations at start (default true); when false, pending ones are an error. */
  migrate?: boolean
}

/** What a host is built on, and which of it the host opened (and so closes). */
export interface Foundation {
  settings: Settings
  db: Database
  bus: Bus
  owns: { db: boolean; bus: boolean }
}

/**
 * Everything a host needs before its actors: the validated settings (a wrong one stops
 * startup naming its key), the database opened and migrated (or refused when migrations are
 * pending and `migrate` is false), and the bus (NATS when NATS_URL or `natsUrl` say so, else in
 * memory). On failure whatever was opened is closed again.
 */
export async function bootstrap(userSettings: Settings | UserSettings, options: BootstrapOptions, clock: Clock): Promise<Foundation> {
  const settings = defineConfig(userSettings)
  routingStrategyClass(settings.router)
  if (settings.logLevel) configureLogging({ level: settings.logLevel })
  const db = options.db ?? (await openProjectDatabase(settings, { url: options.databaseUrl, cwd: options.cwd, clock }))
  let bus = options.bus
  try {
    if (options.migrate !== false) {
      const applied = await db.migrate()
      if (applied.length) log.info({ migrations: applied }, `applied ${applied.length} migration(s)`)
    } else {
      const pending = await db.pendingMigrations()
      if (pending.length) throw new ConfigError('databaseUrl', `the database has ${pending.length} pending migration(s); run "rapidsms migrate" first`)
    }
    const natsUrl = environment.natsUrl ?? settings.natsUrl
    bus ??= natsUrl ? await NatsBus.connect(natsUrl) : new MemoryBus()
    return { settings, db, bus, owns: { db: !options.db, bus: !options.bus } }
  } catch (error) {
    if (!options.db) await db.close()
    if (bus && !options.bus) await bus.close()
    throw error
  }
}
