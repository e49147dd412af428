// The project's migrations, oldest first. `rapidsms makemigrations` keeps this file up to date.
import type { MigrationEntry } from 'rapidsms'
import { Migration20261127120402AddChoice } from './Migration20261127120402AddChoice.js'

export const migrations: MigrationEntry[] = [
  { name: 'Migration20261127120402AddChoice', class: Migration20261127120402AddChoice },
]
