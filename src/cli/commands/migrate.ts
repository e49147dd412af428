import { openProjectDatabase, schemaOf } from '../../runtime/schema.js'
import type { LoadedConfig } from '../load-config.js'

/** `rapidsms migrate`: apply pending migrations, or list them with --list. */
export async function migrate(config: LoadedConfig, options: { list?: boolean }, out: (line: string) => void): Promise<void> {
  const db = await openProjectDatabase(config.settings, { cwd: config.dir })
  try {
    const where = db.dialect === 'sqlite' ? db.target.location : 'PostgreSQL'
    if (options.list) {
      const pending = new Set(await db.pendingMigrations())
      for (const m of schemaOf(config.settings).migrations) out(`${pending.has(m.name) ? '[ ]' : '[X]'} ${m.name}`)
      return
    }
    const pending = await db.pendingMigrations()
    if (!pending.length) {
      out(`No migrations to apply: ${where} is up to date.`)
      return
    }
    out(`Applying ${pending.length} migration(s) to ${where}:`)
    for (const name of await db.migrate()) out(`  applied ${name}`)
  } finally {
    await db.close()
  }
}
