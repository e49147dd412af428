import { getLogger } from '../../core/logger.js'
import { startRouter, stopRouter } from '../../router/index.js'
import type { LoadedConfig } from '../load-config.js'
import { projectDatabaseUrl } from './migrate.js'

const log = getLogger('rapidsms.cli')

/**
 * `rapidsms start`: start the host (applying pending migrations unless told not to) and run
 * until SIGINT/SIGTERM, then finish the messages in flight and close everything.
 */
export async function start(config: LoadedConfig, options: { migrate: boolean }): Promise<void> {
  const host = await startRouter(config.settings, { databaseUrl: projectDatabaseUrl(config), cwd: config.dir, migrate: options.migrate })
  log.info(
    {
      project: host.settings.projectName,
      apps: host.apps.map((a) => a.name),
      backends: [...host.backends.keys()],
      database: host.db.dialect === 'sqlite' ? host.db.target.location : 'postgresql',
    },
    `${host.settings.projectName} is ready`,
  )
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      log.info({ signal }, 'shutting down')
      process.off('SIGINT', shutdown)
      process.off('SIGTERM', shutdown)
      void stopRouter().then(resolve)
    }
    process.on('SIGINT', shutdown)
    process.on('SIGTERM', shutdown)
  })
}
