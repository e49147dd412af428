// Written by hand: on SQLite the session migration also made an index on session_id alone,
// which the unique (session_id, seq) already serves; every step written paid for both.
import { SqlMigration } from '../../../models/migration.js'

export class Migration20261202203200SqliteStepIndex extends SqlMigration {
  readonly sql = {
    postgresql: { up: [], down: [] },
    sqlite: {
      up: ['drop index if exists `dialogue_step_session_id_index`;'],
      down: ['create index `dialogue_step_session_id_index` on `dialogue_step` (`session_id`);'],
    },
  }
}
