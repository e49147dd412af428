// The project's migrations, oldest first. `rapidsms makemigrations` keeps this file up to date.
import type { MigrationEntry } from 'rapidsms'

export const migrations: MigrationEntry[] = []
