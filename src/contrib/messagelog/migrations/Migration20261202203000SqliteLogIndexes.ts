// Written by hand: Migration20261201220017LogPages replaced the single-column indexes on
// connection_id and contact_id with (connection_id, date, id) and (contact_id, date, id),
// but on SQLite it only added the new ones. The old two serve nothing the new ones do not
// (their leading column is the same) and cost every logged message two more index
// inserts: a fifth of the router's CPU per message on SQLite.
import { SqlMigration } from '../../../models/migration.js'

export class Migration20261202203000SqliteLogIndexes extends SqlMigration {
  readonly sql = {
    postgresql: { up: [], down: [] },
    sqlite: {
      up: ['drop index if exists `messagelog_message_connection_id_index`;', 'drop index if exists `messagelog_message_contact_id_index`;'],
      down: [
        'create index `messagelog_message_connection_id_index` on `messagelog_message` (`connection_id`);',
        'create index `messagelog_message_contact_id_index` on `messagelog_message` (`contact_id`);',
      ],
    },
  }
}
