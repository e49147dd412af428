import type { MigrationEntry } from 'rapidsms'
import { Migration20261202000000AddIsUsed } from './Migration20261202000000AddIsUsed.js'

/** The app's migrations, oldest first (`rapidsms makemigrations --out testextensions_main` writes them). */
export const migrations: MigrationEntry[] = [{ name: 'Migration20261202000000AddIsUsed', class: Migration20261202000000AddIsUsed }]
