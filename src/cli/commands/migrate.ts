import { DEFAULT_DATABASE_URL, Database } from '../../models/index.js'
import { schemaOf } from '../../runtime/schema.js'
import type { LoadedConfig } from '../load-config.js'

/** The database a project uses: DATABASE_URL, else its `databaseUrl`, else a SQLite file. */
export function projectDatabaseUrl(config: LoadedConfig): string {
  return process.env.DATABASE_URL ?? config.settings.databaseUrl ?? DEFAULT_DATABASE_URL
}

/** `rapidsms migrate`: apply pending migrations, or list them with --list. */
export async function migrate(config: LoadedConfig, options: { list?: boolean }, out: (line: string) => void): Promise<void> {
  const schema = schemaOf(config.settings)
  const db = await Database.open({ url: projectDatabaseUrl(config), entities: schema.entities, migrations: schema.migrations, cwd: config.dir })
  try {
    const where = db.dialect === 'sqlite' ? db.target.location : 'PostgreSQL'
    if (options.list) {
      const pending = new Set(await db.pendingMigrations())
      for (const m of schema.migrations) out(`${pending.has(m.name) ? '[ ]' : '[X]'} ${m.name}`)
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
