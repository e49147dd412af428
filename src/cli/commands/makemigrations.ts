import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { diffSchema, migrationClassName, migrationSource } from '../../models/make-migration.js'
import { schemaOf } from '../../runtime/schema.js'
import type { LoadedConfig } from '../load-config.js'
import { writeMigrationsIndex } from './migrations-index.js'

/**
 * `rapidsms makemigrations LABEL`: compare every migration the project knows with its
 * entities, on scratch databases, and write the difference as a migration class holding
 * SQLite and (with --postgres) PostgreSQL SQL, and list it in the folder's index.ts when
 * that file is the generated kind (else say how to add it to `migrations` in the config).
 */
export async function makeMigrations(config: LoadedConfig, label: string, options: { out: string; postgres?: string }, out: (line: string) => void): Promise<void> {
  const { entities, migrations } = schemaOf(config.settings)
  out('Comparing the migrations with the entities on a scratch SQLite database...')
  const sqlite = await diffSchema('sqlite', entities, migrations)
  let postgresql: { up: string[]; down: string[] } | undefined
  if (options.postgres) {
    out('...and on a scratch PostgreSQL database.')
    postgresql = await diffSchema('postgresql', entities, migrations, options.postgres)
  } else {
    out('No --postgres URL: the migration will hold SQLite SQL only.')
  }
  if (!sqlite.up.length && !postgresql?.up.length) {
    out('No changes: the migrations already match the entities.')
    return
  }
  const className = migrationClassName(label)
  const dir = resolve(config.dir, options.out)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${className}.ts`)
  writeFileSync(file, migrationSource(className, { postgresql, sqlite }, 'rapidsms'))
  out(`Wrote ${file}.`)
  if (writeMigrationsIndex(dir)) out(`Listed it in ${join(options.out, 'index.ts')}; apply it with "rapidsms migrate".`)
  else out(`Add it to your settings: migrations: [{ name: '${className}', class: ${className} }]`)
}
