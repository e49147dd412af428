import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DatabaseBackend } from '../../src/index.js'
import { coreEntities, coreMigrations, Database, MIGRATIONS_TABLE } from '../../src/models/index.js'
import { scratchDatabase, type ScratchDatabase } from '../../src/testing/index.js'

describe(`migrations on ${process.env.RAPIDSMS_TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite'}`, () => {
  let scratch: ScratchDatabase
  let db: Database

  beforeAll(async () => {
    scratch = await scratchDatabase()
    db = await Database.open({
      url: scratch.url,
      entities: [...coreEntities, ...DatabaseBackend.entities!],
      migrations: [...coreMigrations, ...DatabaseBackend.migrations!],
    })
  })
  afterAll(async () => {
    await db.close()
    await scratch.dispose()
  })

  it('an empty database differs from the entities until migrated', async () => {
    expect(await db.schemaDrift()).not.toBe('')
    expect(await db.pendingMigrations()).toHaveLength(coreMigrations.length + DatabaseBackend.migrations!.length)
  })

  it('after the migrations the schema matches the entities exactly', async () => {
    const applied = await db.migrate()
    expect(applied).toEqual([...coreMigrations, ...DatabaseBackend.migrations!].map((m) => m.name))
    expect(await db.schemaDrift()).toBe('')
    expect(await db.pendingMigrations()).toEqual([])
  })

  it('records what it applied and applies nothing twice', async () => {
    expect(await db.migrate()).toEqual([])
    const rows = await db.orm.em.fork().getConnection().execute(`select name from ${MIGRATIONS_TABLE} order by id`)
    expect(rows.map((r) => (r as { name: string }).name)).toEqual([...coreMigrations, ...DatabaseBackend.migrations!].map((m) => m.name))
  })
})
