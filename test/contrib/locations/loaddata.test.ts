import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import demo from '../../../config/demo.config.js'
import { Location, LocationType } from '../../../src/contrib/locations/index.js'
import { openProjectDatabase } from '../../../src/runtime/schema.js'
import { scratchDatabase, type ScratchDatabase } from '../../../src/testing/index.js'
import { rapidsms } from '../../support/cli.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))

describe(`rapidsms loaddata with the demo project's sample locations on ${process.env.RAPIDSMS_TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite'}`, () => {
  let scratch: ScratchDatabase
  beforeAll(async () => {
    scratch = await scratchDatabase()
  })
  afterAll(async () => {
    await scratch?.dispose()
  })

  it('loads the tree once; a second time it loads nothing and says why', { timeout: 120_000 }, async () => {
    const env = { DATABASE_URL: scratch.url }
    const args = ['--config', 'config/demo.config.ts']
    expect((await rapidsms([...args, 'migrate'], { cwd: root, env })).code).toBe(0)
    const loaded = await rapidsms([...args, 'loaddata'], { cwd: root, env })
    expect([loaded.code, loaded.stdout]).toEqual([0, 'Installed 20 object(s) from the fixtures setting.\n'])
    const again = await rapidsms([...args, 'loaddata'], { cwd: root, env })
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/^rapidsms: the fixtures could not be loaded, so nothing was \(were they loaded already\?\): /)
    const db = await openProjectDatabase(demo, { url: scratch.url })
    try {
      const em = db.orm.em.fork()
      expect([await em.count(LocationType, {}), await em.count(Location, {})]).toEqual([4, 16])
      const mulago = await em.findOneOrFail(Location, { slug: 'mulago-hospital' }, { populate: ['parent.parent.parent'] })
      expect([mulago.parent?.name, mulago.parent?.parent?.name, mulago.parent?.parent?.parent?.name]).toEqual(['Kampala', 'Central', 'Uganda'])
    } finally {
      await db.close()
    }
  })
})
