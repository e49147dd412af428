// Written by hand: MikroORM's schema comparison takes json and jsonb for the same type.
import { SqlMigration } from '../../../models/migration.js'

/** The sessions' and steps' JSON as PostgreSQL's json (kept as written; half the cost of jsonb to write). */
export class Migration20261201231500DialogueJson extends SqlMigration {
  readonly sql = {
    postgresql: {
      up: [
        'alter table "dialogue_session" alter column "snapshot" type json using "snapshot"::json, alter column "timers" type json using "timers"::json;',
        'alter table "dialogue_step" alter column "event" type json using "event"::json, alter column "sends" type json using "sends"::json;',
      ],
      down: [
        'alter table "dialogue_session" alter column "snapshot" type jsonb using "snapshot"::jsonb, alter column "timers" type jsonb using "timers"::jsonb;',
        'alter table "dialogue_step" alter column "event" type jsonb using "event"::jsonb, alter column "sends" type jsonb using "sends"::jsonb;',
      ],
    },
    sqlite: {
      up: [],
      down: [],
    },
  }
}
