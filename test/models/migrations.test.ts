import { describe, expect, it } from 'vitest'
import { MIGRATIONS_TABLE } from '../../src/models/index.js'
import { testSchema, useScratchDatabase } from '../support/database.js'

const names = testSchema.migrations.map((m) => m.name)

describe(`migrations on ${process.env.RAPIDSMS_TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite'}`, () => {
  const scratch = useScratchDatabase({ migrate: false })

  it('an empty database differs from the entities until migrated', async () => {
    expect(await scratch.db.schemaDrift()).not.toBe('')
    expect(await scratch.db.pendingMigrations()).toEqual(names)
  })

  it('after the migrations the schema matches the entities exactly', async () => {
    expect(await scratch.db.migrate()).toEqual(names)
    expect(await scratch.db.schemaDrift()).toBe('')
    expect(await scratch.db.pendingMigrations()).toEqual([])
  })

  it('records what it applied and applies nothing twice', async () => {
    expect(await scratch.db.migrate()).toEqual([])
    const rows = await scratch.db.orm.em.fork().getConnection().execute(`select name from ${MIGRATIONS_TABLE} order by id`)
    expect(rows.map((r) => (r as { name: string }).name)).toEqual(names)
  })
})
