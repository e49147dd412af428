import { afterAll, beforeAll } from 'vitest'
import { DatabaseBackend } from '../../src/index.js'
import { coreEntities, coreMigrations, Database } from '../../src/models/index.js'
import { scratchDatabase, type ScratchDatabase } from '../../src/testing/index.js'

/** The core and database-backend schema: what the model tests work on. */
export const testSchema = {
  entities: [...coreEntities, ...DatabaseBackend.entities!],
  migrations: [...coreMigrations, ...DatabaseBackend.migrations!],
}

/**
 * A scratch database (SQLite, or PostgreSQL in the postgres project) opened before the
 * tests of the file and disposed of after; `migrate` applies the schema first.
 */
export function useScratchDatabase(options: { migrate: boolean }): { readonly db: Database } {
  let scratch: ScratchDatabase
  const handle = { db: undefined as unknown as Database }
  beforeAll(async () => {
    scratch = await scratchDatabase()
    handle.db = await Database.open({ url: scratch.url, ...testSchema })
    if (options.migrate) await handle.db.migrate()
  })
  afterAll(async () => {
    await handle.db?.close()
    await scratch?.dispose()
  })
  return handle
}
