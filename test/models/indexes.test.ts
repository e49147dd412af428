import { describe, expect, it } from 'vitest'
import { ModemBackend } from '../../src/backends/modem/index.js'
import { DialogueApp } from '../../src/contrib/dialogues/index.js'
import { LocationsApp } from '../../src/contrib/locations/index.js'
import { MessageLogApp } from '../../src/contrib/messagelog/index.js'
import { DatabaseBackend } from '../../src/index.js'
import { withExtraFields } from '../../src/models/index.js'
import { bulkEntities, bulkMigrations } from '../../src/runtime/bulk/schema.js'
import { DatabaseRouter } from '../../src/runtime/routing/database/index.js'
import { schedulerEntities, schedulerMigrations } from '../../src/runtime/scheduler/index.js'
import { schemaWith, useScratchDatabase } from '../support/database.js'

const owners = [DatabaseBackend, ModemBackend, MessageLogApp, DialogueApp, LocationsApp, DatabaseRouter, { entities: schedulerEntities, migrations: schedulerMigrations }, { entities: bulkEntities, migrations: bulkMigrations }]
const base = schemaWith(...owners)
const schema = { entities: withExtraFields(base.entities, [LocationsApp]), migrations: base.migrations }
const sqlite = !process.env.RAPIDSMS_TEST_DATABASE_URL

/** Every full index but the primary keys (partial ones serve their rows only): table, name and its columns (or expression) in order. */
async function indexes(db: ReturnType<typeof useScratchDatabase>['db']): Promise<{ table: string; name: string; columns: string }[]> {
  const connection = db.orm.em.fork().getConnection()
  const rows = sqlite
    ? await connection.execute<{ table: string; name: string; columns: string }[]>(
        "select m.tbl_name as \"table\", m.name, (select group_concat(coalesce(i.name, '<expr>'), ',') from pragma_index_info(m.name) i) as columns from sqlite_master m where m.type = 'index' and m.name not like 'sqlite_autoindex%' and m.sql not like '% where %'",
      )
    : await connection.execute<{ table: string; name: string; columns: string }[]>(
        "select t.relname as \"table\", c.relname as name, (select string_agg(coalesce(a.attname, '<expr>'), ',' order by k.n) from unnest(x.indkey) with ordinality k(attnum, n) left join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum and k.attnum > 0) as columns from pg_index x join pg_class c on c.oid = x.indexrelid join pg_class t on t.oid = x.indrelid join pg_namespace s on s.oid = t.relnamespace where s.nspname = current_schema() and not x.indisprimary and x.indpred is null",
      )
  return rows.map((r) => ({ table: r.table, name: r.name, columns: String(r.columns) }))
}

describe(`indexes on ${sqlite ? 'SQLite' : 'PostgreSQL'}`, () => {
  const scratch = useScratchDatabase({ migrate: true, schema })

  it('no index is the leading part of another on its table: every insert would pay for one that serves nothing', async () => {
    const all = await indexes(scratch.db)
    expect(all.length).toBeGreaterThan(10)
    const covered = all
      .filter((a) => !a.columns.includes('<expr>'))
      .flatMap((a) => all.filter((b) => b !== a && b.table === a.table && `${b.columns},`.startsWith(`${a.columns},`)).map((b) => `${a.table}: ${a.name} (${a.columns}) leads ${b.name} (${b.columns})`))
    // Connection's own backend index stays: connections are made once per phone, not per message.
    expect(covered.filter((c) => !c.startsWith('rapidsms_connection: rapidsms_connection_backend_id_index'))).toEqual([])
  })

  it('the message log carries the indexes its pages read by, and no other: single-column ones for the filters, the contact\'s partial', async () => {
    const log = (await indexes(scratch.db)).filter((i) => i.table === 'messagelog_message').map((i) => `${i.name} (${i.columns})`)
    expect(log.sort()).toEqual(['messagelog_message_connection_id_index (connection_id)', 'messagelog_message_date_id_index (date,id)'])
    const connection = scratch.db.orm.em.fork().getConnection()
    const partial = sqlite
      ? await connection.execute<{ name: string; sql: string }[]>("select name, sql from sqlite_master where type = 'index' and tbl_name = 'messagelog_message' and sql like '% where %'")
      : await connection.execute<{ name: string; sql: string }[]>("select indexname as name, indexdef as sql from pg_indexes where tablename = 'messagelog_message' and indexdef like '% WHERE %'")
    expect(partial.map((i) => i.name)).toEqual(['messagelog_message_contact_id_index'])
    expect(partial[0]!.sql.replace(/[`"]/g, '').toLowerCase()).toMatch(/\(contact_id\) where \(?contact_id is not null\)?$/)
  })

  it('the schema still matches the entities', async () => {
    expect(await scratch.db.schemaDrift()).toBe('')
  })
})
