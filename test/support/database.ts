import type { EntitySchema } from '@mikro-orm/core'
import { afterAll, beforeAll } from 'vitest'
import { DatabaseBackend } from '../../src/index.js'
import { coreEntities, coreMigrations, Database, type MigrationEntry } from '../../src/models/index.js'
import { scratchDatabase, type ScratchDatabase } from '../../src/testing/index.js'

/** This run's scratch databases are on PostgreSQL (the postgres project), not SQLite. */
export const onPostgres = Boolean(process.env.RAPIDSMS_TEST_DATABASE_URL)

/** A class that brings tables: an app or a backend. */
interface SchemaOwner {
  entities?: EntitySchema<any, any>[]
  migrations?: MigrationEntry[]
}

/** The core schema plus the tables of `owners`. */
export function schemaWith(...owners: SchemaOwner[]): { entities: EntitySchema<any, any>[]; migrations: MigrationEntry[] } {
  return {
    entities: [...coreEntities, ...owners.flatMap((o) => o.entities ?? [])],
    migrations: [...coreMigrations, ...owners.flatMap((o) => o.migrations ?? [])],
  }
}

/** The core and database-backend schema: what the model tests work on. */
export const testSchema = schemaWith(DatabaseBackend)

/**
 * A scratch database (SQLite, or PostgreSQL in the postgres project) opened before the
 * tests of the file and disposed of after, with `schema` (default: testSchema); `migrate`
 * applies it first.
 */
export function useScratchDatabase(options: { migrate: boolean; schema?: ReturnType<typeof schemaWith> }): { readonly db: Database } {
  let scratch: ScratchDatabase
  const handle = { db: undefined as unknown as Database }
  beforeAll(async () => {
    scratch = await scratchDatabase()
    handle.db = await Database.open({ url: scratch.url, ...(options.schema ?? testSchema) })
    if (options.migrate) await handle.db.migrate()
  })
  afterAll(async () => {
    await handle.db?.close()
    await scratch?.dispose()
  })
  return handle
}
