import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createScratchPostgres } from '../models/make-migration.js'
import { environment } from '../core/environment.js'

export interface ScratchDatabase {
  url: string
  dispose(): Promise<void>
}

/**
 * A throw-away database for one test file or one script run: a SQLite file in a temp folder,
 * or, when `base` is a PostgreSQL URL, a new database on that server (dropped afterwards).
 * The default base is RAPIDSMS_TEST_DATABASE_URL.
 */
export async function scratchDatabase(base = environment.testDatabaseUrl): Promise<ScratchDatabase> {
  if (base && /^postgres(ql)?:\/\//i.test(base)) {
    const scratch = await createScratchPostgres(base, 'rapidsms_test')
    return { url: scratch.url, dispose: scratch.drop }
  }
  const dir = mkdtempSync(join(tmpdir(), 'rapidsms-test-'))
  return { url: `sqlite:${join(dir, 'test.db')}`, dispose: async () => rmSync(dir, { recursive: true, force: true }) }
}
