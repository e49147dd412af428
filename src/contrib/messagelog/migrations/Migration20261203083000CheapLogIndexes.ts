// Written by hand: the per-connection and per-contact log indexes go back to single columns
// (the contact's partial, for the rows that have one), which every logged message pays for
// far less than (connection_id, date, id) and (contact_id, date, id); see models.ts.
import { SqlMigration } from '../../../models/migration.js'

export class Migration20261203083000CheapLogIndexes extends SqlMigration {
  readonly sql = {
    postgresql: {
      up: [
        'drop index "messagelog_message_connection_date_index";',
        'drop index "messagelog_message_contact_date_index";',
        'create index "messagelog_message_connection_id_index" on "messagelog_message" ("connection_id");',
        'create index "messagelog_message_contact_id_index" on "messagelog_message" ("contact_id") where "contact_id" is not null;',
      ],
      down: [
        'drop index "messagelog_message_connection_id_index";',
        'drop index "messagelog_message_contact_id_index";',
        'create index "messagelog_message_connection_date_index" on "messagelog_message" ("connection_id", "date", "id");',
        'create index "messagelog_message_contact_date_index" on "messagelog_message" ("contact_id", "date", "id");',
      ],
    },
    sqlite: {
      up: [
        'drop index if exists `messagelog_message_connection_date_index`;',
        'drop index if exists `messagelog_message_contact_date_index`;',
        'create index `messagelog_message_connection_id_index` on `messagelog_message` (`connection_id`);',
        'create index `messagelog_message_contact_id_index` on `messagelog_message` (`contact_id`) where `contact_id` is not null;',
      ],
      down: [
        'drop index `messagelog_message_connection_id_index`;',
        'drop index `messagelog_message_contact_id_index`;',
        'create index `messagelog_message_connection_date_index` on `messagelog_message` (`connection_id`, `date`, `id`);',
        'create index `messagelog_message_contact_date_index` on `messagelog_message` (`contact_id`, `date`, `id`);',
      ],
    },
  }
}
