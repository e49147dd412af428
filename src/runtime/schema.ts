import type { EntitySchema } from '@mikro-orm/core'
import type { Clock } from '../core/clock.js'
import type { Settings } from '../core/config.js'
import { coreEntities, coreMigrations, Database, DEFAULT_DATABASE_URL, withExtraFields, type FieldsOwner, type MigrationEntry } from '../models/index.js'
import { routingStrategyClass } from './routing/index.js'
import { schedulerEntities, schedulerMigrations } from './scheduler/index.js'
import { bulkEntities, bulkMigrations } from './bulk/schema.js'
import { environment } from '../core/environment.js'

interface SchemaOwner {
  entities?: readonly EntitySchema<any, any>[]
  migrations?: readonly MigrationEntry[]
}

/**
 * Every table a project needs and the migrations that create them: core first (with the
 * scheduler's stored tasks and the bulk jobs), the routing strategy's (the DatabaseRouter's
 * db_message and db_transmission), then each configured backend's, each installed app's, and the project's
 * own (duplicates once).
 */
export function schemaOf(settings: Settings): { entities: EntitySchema<any, any>[]; migrations: MigrationEntry[] } {
  const owners: SchemaOwner[] = [
    { entities: coreEntities, migrations: coreMigrations },
    { entities: schedulerEntities, migrations: schedulerMigrations },
    { entities: bulkEntities, migrations: bulkMigrations },
    routingStrategyClass(settings.router) as SchemaOwner,
    ...Object.values(settings.backends).map((b) => b.engine as SchemaOwner),
    ...(settings.apps as SchemaOwner[]),
    ...((settings.handlers ?? []) as SchemaOwner[]),
    // Handlers an app brings keep their tables whether they are listed or discovered.
    ...settings.apps.flatMap((app) => ((app as { handlers?: SchemaOwner[] }).handlers ?? [])),
    { entities: settings.entities as EntitySchema<any, any>[], migrations: settings.migrations as MigrationEntry[] },
  ]
  const entities = new Set<EntitySchema<any, any>>()
  const migrations = new Map<string, MigrationEntry>()
  for (const owner of owners) {
    for (const entity of owner.entities ?? []) entities.add(entity)
    for (const migration of owner.migrations ?? []) if (!migrations.has(migration.name)) migrations.set(migration.name, migration)
  }
  // Contact and Connection carry the fields installed apps add to them (docs 12).
  return { entities: withExtraFields([...entities], settings.apps as FieldsOwner[]), migrations: [...migrations.values()] }
}

/**
 * Open the project's database with its whole schema: `url`, else DATABASE_URL, else the
 * `databaseUrl` setting, else a SQLite file; relative SQLite paths resolve from `cwd`.
 */
export function openProjectDatabase(settings: Settings, options: { url?: string; cwd?: string; clock?: Clock } = {}): Promise<Database> {
  const { entities, migrations } = schemaOf(settings)
  const url = options.url ?? environment.databaseUrl ?? settings.databaseUrl ?? DEFAULT_DATABASE_URL
  return Database.open({ url, entities, migrations, cwd: options.cwd, clock: options.clock })
}
