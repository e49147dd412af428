import type { EntityManager } from '@mikro-orm/knex'
import { ConfigError } from '../../core/errors.js'
import { openProjectDatabase } from '../../runtime/schema.js'
import { CommandError } from '../errors.js'
import type { LoadedConfig } from '../load-config.js'

/**
 * `rapidsms loaddata` (Django's command): load the `fixtures` setting's data into the
 * project's database, in one transaction: all of it or, when a row cannot be written (a
 * choice that is already there, say), none of it. Tables must exist (`rapidsms migrate`).
 */
export async function loadData(config: LoadedConfig, out: (line: string) => void): Promise<void> {
  const fixtures = config.settings.fixtures as ((em: EntityManager) => unknown) | undefined
  if (!fixtures) throw new ConfigError('fixtures', 'the project has no fixtures to load: add fixtures: async (em) => { em.create(...) } to its settings')
  const db = await openProjectDatabase(config.settings, { cwd: config.dir })
  try {
    const pending = await db.pendingMigrations()
    if (pending.length) throw new CommandError(`the database has ${pending.length} migration(s) not applied yet: run "rapidsms migrate" first`)
    let objects = 0
    try {
      await db.orm.em.fork().transactional(async (em) => {
        await fixtures(em as EntityManager)
        objects = em.getUnitOfWork().getPersistStack().size
      })
    } catch (error) {
      const again = (error as Error).name === 'UniqueConstraintViolationException' ? ' (were they loaded already?)' : ''
      throw new CommandError(`the fixtures could not be loaded, so nothing was${again}: ${(error as Error).message.split('\n')[0]}`)
    }
    out(`Installed ${objects} object(s) from the fixtures setting.`)
  } finally {
    await db.close()
  }
}
