// Written by hand: on SQLite the bulk migration also made an index on job_id alone, which
// (job_id, backend, id) already serves; every recipient inserted paid for both.
import { SqlMigration } from '../../../models/migration.js'

export class Migration20261202203100SqliteRecipientIndex extends SqlMigration {
  readonly sql = {
    postgresql: { up: [], down: [] },
    sqlite: {
      up: ['drop index if exists `rapidsms_bulk_recipient_job_id_index`;'],
      down: ['create index `rapidsms_bulk_recipient_job_id_index` on `rapidsms_bulk_recipient` (`job_id`);'],
    },
  }
}
