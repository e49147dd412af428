import { getLogger } from '../../core/logger.js'
import { startRouter, stopRouter } from '../../router/index.js'
import { startEdge, type EdgeServer } from '../../web/index.js'
import type { LoadedConfig } from '../load-config.js'

const log = getLogger('rapidsms.cli')

export interface StartOptions {
  migrate: boolean
  /** Override `web.host` / `web.port`. */
  host?: string
  port?: number
}

/**
 * `rapidsms start`: start the host (applying pending migrations unless told not to) and its
 * web edge, and run until SIGINT/SIGTERM; then stop taking requests, finish those in flight,
 * stop the actors and close the database.
 */
export async function start(config: LoadedConfig, options: StartOptions): Promise<void> {
  // Listen for signals before anything else (and before saying "ready"): a Ctrl-C during
  // startup then stops the project as soon as it is up, never half-way. A second one exits now.
  let signalled!: (signal: NodeJS.Signals) => void
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => (signalled = resolve))
  let signals = 0
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      log.warn({ signal }, 'second signal: exiting without waiting')
      process.exit(130)
    }
    log.info({ signal }, 'shutting down')
    signalled(signal)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    const host = await startRouter(config.settings, { cwd: config.dir, migrate: options.migrate })
    let edge: EdgeServer
    try {
      edge = await startEdge(host, { host: options.host, port: options.port })
    } catch (error) {
      await stopRouter()
      throw error
    }
    log.info(
      {
        project: host.settings.projectName,
        apps: host.apps.map((a) => a.name),
        backends: [...host.backends.keys()],
        database: host.db.dialect === 'sqlite' ? host.db.target.location : 'postgresql',
        url: edge.url,
      },
      `${host.settings.projectName} is ready`,
    )
    await stopRequested
    await edge.close()
    await stopRouter()
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
