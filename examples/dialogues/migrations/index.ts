import type { MigrationEntry } from 'rapidsms'
import { Migration20261201221623SurveyResponse } from './Migration20261201221623SurveyResponse.js'

/** The project's migrations, oldest first (`rapidsms makemigrations` writes them). */
export const migrations: MigrationEntry[] = [{ name: 'Migration20261201221623SurveyResponse', class: Migration20261201221623SurveyResponse }]
