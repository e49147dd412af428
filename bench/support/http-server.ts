/**
 * The server side of the HTTP benchmark, run as its own process: a host with the workload
 * and its web edge on a free port. It talks to the bench over IPC: sends { port } when
 * ready; on 'stats' answers with the host's counters and its CPU time; on 'stop' closes the
 * edge and the host and exits.
 */
import { configureLogging } from '../../src/core/logger.js'
import { startRouter, stopRouter } from '../../src/router/index.js'
import { startEdge } from '../../src/web/index.js'
import { genericHttpInbound } from '../../src/backends/http/index.js'
import { backendName, settings } from '../workload.js'

configureLogging({ level: 'warn' })
// The workload's backend, also receiving over generic HTTP (identity, text).
const backends = { ...settings.backends, [backendName]: { ...settings.backends![backendName]!, inbound: genericHttpInbound } }
const host = await startRouter({ ...settings, backends }, { databaseUrl: process.env.DATABASE_URL })
const edge = await startEdge(host, { port: 0 })
process.send!({ type: 'ready', port: edge.port })
process.on('message', async (message: { type: string }) => {
  if (message.type === 'stats') {
    while (edge.inFlight) await new Promise((r) => setTimeout(r, 10))
    await host.db.writer.drain()
    process.send!({ type: 'stats', stats: host.stats(), cpu: process.cpuUsage(), memory: process.memoryUsage().rss })
  } else if (message.type === 'stop') {
    await edge.close()
    await stopRouter()
    process.exit(0)
  }
})
