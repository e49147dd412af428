import { describe, expect, it } from 'vitest'
import { DialogueApp } from '../../../src/contrib/dialogues/index.js'
import { schedulerEntities, schedulerMigrations } from '../../../src/runtime/scheduler/index.js'
import { schemaWith, useScratchDatabase } from '../../support/database.js'

describe(`the dialogue and scheduler tables on ${process.env.RAPIDSMS_TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite'}`, () => {
  const scratch = useScratchDatabase({ migrate: false, schema: schemaWith(DialogueApp, { entities: schedulerEntities, migrations: schedulerMigrations }) })

  it('are made by their migrations exactly as the entities say, partial indexes included', async () => {
    expect(await scratch.db.schemaDrift()).not.toBe('')
    await scratch.db.migrate()
    expect(await scratch.db.schemaDrift()).toBe('')
    const indexes = scratch.db.dialect === 'sqlite' ? "select name from sqlite_master where type = 'index'" : "select indexname as name from pg_indexes where schemaname = 'public'"
    const names = (await scratch.db.orm.em.fork().getConnection().execute<{ name: string }[]>(indexes)).map((r) => r.name)
    expect(names).toEqual(expect.arrayContaining(['dialogue_session_one_active', 'dialogue_step_unsent', 'dialogue_session_wake_at_index', 'rapidsms_scheduled_task_run_at_index']))
  })
})
