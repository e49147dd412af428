/**
 * Generate a migration for one of this repository's own modules (core, a contrib app, a
 * backend) from its entities, for both PostgreSQL and SQLite.
 *   npx tsx scripts/make-migration.ts core Initial
 * Projects use `rapidsms makemigrations` instead.
 */
import { readdirSync, writeFileSync } from 'node:fs'
import { join, relative, dirname } from 'node:path'
import type { EntitySchema } from '@mikro-orm/core'
import { coreEntities, coreMigrations, withExtraFields, type FieldsOwner, type MigrationEntry } from '../src/models/index.js'
import { diffSchema, migrationClassName, migrationSource } from '../src/models/make-migration.js'

interface Module {
  entities: () => Promise<EntitySchema<any, any>[]>
  /** Migrations that must run before this module's (core's, for everyone else). */
  before: () => Promise<MigrationEntry[]>
  own: () => Promise<MigrationEntry[]>
  folder: string
  /** The app whose extra Contact and Connection fields the module's migrations add. */
  fieldsOwner?: () => Promise<FieldsOwner>
}

const modules: Record<string, Module> = {
  // A module lists its entities, the migrations it builds on, its own migrations, its folder.
  core: {
    entities: async () => coreEntities,
    before: async () => [],
    own: async () => coreMigrations,
    folder: 'src/models/migrations',
  },
  database: {
    entities: async () => (await import('../src/backends/database/index.js')).DatabaseBackend.entities,
    before: async () => coreMigrations,
    own: async () => (await import('../src/backends/database/index.js')).DatabaseBackend.migrations,
    folder: 'src/backends/database/migrations',
  },
  kannel: {
    entities: async () => (await import('../src/backends/kannel/index.js')).KannelBackend.entities,
    before: async () => coreMigrations,
    own: async () => (await import('../src/backends/kannel/index.js')).KannelBackend.migrations,
    folder: 'src/backends/kannel/migrations',
  },
  modem: {
    entities: async () => (await import('../src/backends/modem/models.js')).modemEntities,
    before: async () => coreMigrations,
    own: async () => (await import('../src/backends/modem/migrations/index.js')).migrations,
    folder: 'src/backends/modem/migrations',
  },
  dbrouter: {
    entities: async () => (await import('../src/runtime/routing/database/models.js')).dbRouterEntities,
    before: async () => coreMigrations,
    own: async () => (await import('../src/runtime/routing/database/migrations/index.js')).migrations,
    folder: 'src/runtime/routing/database/migrations',
  },
  scheduler: {
    entities: async () => (await import('../src/runtime/scheduler/models.js')).schedulerEntities,
    before: async () => coreMigrations,
    own: async () => (await import('../src/runtime/scheduler/migrations/index.js')).migrations,
    folder: 'src/runtime/scheduler/migrations',
  },
  bulk: {
    entities: async () => (await import('../src/runtime/bulk/models.js')).bulkEntities,
    before: async () => coreMigrations,
    own: async () => (await import('../src/runtime/bulk/migrations/index.js')).migrations,
    folder: 'src/runtime/bulk/migrations',
  },
  dialogues: {
    entities: async () => (await import('../src/contrib/dialogues/models.js')).dialogueEntities,
    before: async () => coreMigrations,
    own: async () => (await import('../src/contrib/dialogues/migrations/index.js')).migrations,
    folder: 'src/contrib/dialogues/migrations',
  },
  // Its tables, and the location column it adds to Contact (extensible models).
  locations: {
    entities: async () => (await import('../src/contrib/locations/index.js')).LocationsApp.entities!,
    before: async () => coreMigrations,
    own: async () => (await import('../src/contrib/locations/migrations/index.js')).migrations,
    folder: 'src/contrib/locations/migrations',
    fieldsOwner: async () => (await import('../src/contrib/locations/index.js')).LocationsApp,
  },
  messagelog: {
    entities: async () => (await import('../src/contrib/messagelog/index.js')).MessageLogApp.entities!,
    before: async () => coreMigrations,
    own: async () => (await import('../src/contrib/messagelog/index.js')).MessageLogApp.migrations!,
    folder: 'src/contrib/messagelog/migrations',
  },
}

const [name, label] = process.argv.slice(2)
const module = name ? modules[name] : undefined
if (module && label === '--index') {
  writeIndex(module.folder)
  process.exit(0)
}
if (!module || !label) {
  console.error(`usage: tsx scripts/make-migration.ts <${Object.keys(modules).join('|')}> <Label>`)
  process.exit(2)
}
const postgres = process.env.MIGRATIONS_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const entities = withExtraFields([...coreEntities, ...(await module.entities())], module.fieldsOwner ? [await module.fieldsOwner()] : [])
const migrations = [...(await module.before()), ...(await module.own())]
const sql = {
  postgresql: await diffSchema('postgresql', entities, migrations, postgres),
  sqlite: await diffSchema('sqlite', entities, migrations),
}
if (!sql.postgresql.up.length && !sql.sqlite.up.length) {
  console.log('No changes: the migrations already match the entities.')
  process.exit(0)
}
const className = migrationClassName(label)
const file = join(module.folder, `${className}.ts`)
const importFrom = relative(dirname(file), 'src/models/migration.js').replace(/^(?!\.)/, './')
writeFileSync(file, migrationSource(className, sql, importFrom))
writeIndex(module.folder)
console.log(`Wrote ${file} and listed it in ${join(module.folder, 'index.ts')}.`)

/** index.ts of a migrations folder: every Migration*.ts in it, oldest first. */
function writeIndex(folder: string): void {
  const names = readdirSync(folder)
    .filter((f) => /^Migration\d+\w*\.ts$/.test(f))
    .map((f) => f.slice(0, -3))
    .sort()
  const migrationModule = relative(folder, 'src/models/migration.js').replace(/^(?!\.)/, './')
  writeFileSync(
    join(folder, 'index.ts'),
    `// Generated by scripts/make-migration.ts: every migration of this folder, oldest first.
import type { MigrationEntry } from '${migrationModule}'
${names.map((n) => `import { ${n} } from './${n}.js'`).join('\n')}

export const migrations: MigrationEntry[] = [
${names.map((n) => `  { name: '${n}', class: ${n} },`).join('\n')}
]
`,
  )
}
