import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The first line of a migrations index that `rapidsms makemigrations` keeps up to date. */
export const INDEX_MARKER = '// The project\'s migrations, oldest first. `rapidsms makemigrations` keeps this file up to date.'

/**
 * Rewrite `<dir>/index.ts` to list every `Migration*.ts` of the folder, oldest first (their
 * names start with their time), when it was written this way (`rapidsms startproject`
 * writes one); a missing file or one a person wrote is left alone. Returns whether it was
 * written.
 */
export function writeMigrationsIndex(dir: string): boolean {
  const file = join(dir, 'index.ts')
  if (!existsSync(file) || !readFileSync(file, 'utf8').startsWith(INDEX_MARKER)) return false
  writeFileSync(file, migrationsIndexSource(readdirSync(dir).filter((f) => /^Migration\w*\.ts$/.test(f)).map((f) => f.slice(0, -3)).sort()))
  return true
}

/** The source of an index listing `classNames` (each the name of its file). */
export function migrationsIndexSource(classNames: string[]): string {
  const imports = classNames.map((name) => `import { ${name} } from './${name}.js'\n`).join('')
  const entries = classNames.map((name) => `  { name: '${name}', class: ${name} },\n`).join('')
  return `${INDEX_MARKER}\nimport type { MigrationEntry } from 'rapidsms'\n${imports}\nexport const migrations: MigrationEntry[] = [${entries ? `\n${entries}` : ''}]\n`
}
