// Written by hand: the two expression indexes of Migration20261201215958Accounts rebuilt
// with collate "C" on PostgreSQL, so one index serves a LIKE prefix, equality and ORDER BY
// (pattern operator classes serve only the first). SQLite compares bytes already.
import { SqlMigration } from '../migration.js'

export class Migration20261201231500ByteOrderIndexes extends SqlMigration {
  readonly sql = {
    postgresql: {
      up: [
        'drop index "rapidsms_contact_name_lower_index";',
        'create index "rapidsms_contact_name_lower_index" on "rapidsms_contact" ((lower("name") collate "C"));',
        'drop index "rapidsms_connection_identity_index";',
        'create index "rapidsms_connection_identity_index" on "rapidsms_connection" (("identity" collate "C"));',
      ],
      down: [
        'drop index "rapidsms_contact_name_lower_index";',
        'create index "rapidsms_contact_name_lower_index" on "rapidsms_contact" (lower("name") text_pattern_ops);',
        'drop index "rapidsms_connection_identity_index";',
        'create index "rapidsms_connection_identity_index" on "rapidsms_connection" ("identity" varchar_pattern_ops);',
      ],
    },
    sqlite: { up: [], down: [] },
  }
}
