import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { ConfigError } from '../core/errors.js'
import { getLogger } from '../core/logger.js'
import type { Host } from '../runtime/host.js'
import { createEdge, type EdgeRoutes } from './app.js'
import { answerClientError } from './client-error.js'

const log = getLogger('rapidsms.web')

export interface EdgeServerOptions {
  /** Override `web.host` / `web.port` (0: any free port). */
  host?: string
  port?: number
}

/** The running web edge. */
export interface EdgeServer {
  readonly url: string
  readonly port: number
  readonly routes: EdgeRoutes
  /** Requests being answered now. */
  readonly inFlight: number
  /**
   * Stop taking requests and wait for those in flight (at most `web.shutdownGraceMs`, then
   * their connections are cut). The host is left running: stop it after.
   */
  close(): Promise<void>
}

/**
 * Serve the web edge of a running host on `web.host:web.port` (@hono/node-server).
 * @example
 * const host = await startRouter(settings)
 * const edge = await startEdge(host)          // http://127.0.0.1:8000/backend/<name>/
 * process.once('SIGTERM', async () => { await edge.close(); await stopRouter() })
 */
export async function startEdge(host: Host, options: EdgeServerOptions = {}): Promise<EdgeServer> {
  const settings = host.settings.web
  let stopping = false
  const { app, routes, inFlight } = createEdge(host, { stopping: () => stopping })
  const hostname = options.host ?? settings.host
  const port = options.port ?? settings.port
  const server = serve({ fetch: app.fetch, hostname, port }) as Server
  // Gateways keep connections open between messages; allow more than Node's 5 s default.
  server.keepAliveTimeout = 65_000
  server.on('clientError', answerClientError)
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      server.off('listening', listening)
      reject(error.code === 'EADDRINUSE' ? new ConfigError('web.port', `${hostname}:${port} is already in use; choose another port`) : error)
    }
    const listening = () => {
      server.off('error', failed)
      resolve()
    }
    server.once('error', failed)
    server.once('listening', listening)
  })
  const actual = (server.address() as AddressInfo).port
  const url = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${actual}`
  log.info({ url, backends: routes.backends, endpoints: routes.endpoints }, `web edge listening on ${url}`)
  let closing: Promise<void> | undefined
  return {
    url,
    port: actual,
    routes,
    get inFlight() {
      return inFlight()
    },
    close() {
      closing ??= (async () => {
        stopping = true
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        // Idle keep-alive connections go now; busy ones close after their answer
        // (`Connection: close`); whatever is left after the grace period is cut.
        server.closeIdleConnections()
        const sweep = setInterval(() => server.closeIdleConnections(), 50)
        const deadline = setTimeout(() => {
          if (inFlight()) log.warn({ inFlight: inFlight() }, 'grace period over; closing connections with requests in flight')
          server.closeAllConnections()
        }, settings.shutdownGraceMs)
        await closed
        clearInterval(sweep)
        clearTimeout(deadline)
        log.info('web edge stopped')
      })()
      return closing
    },
  }
}
