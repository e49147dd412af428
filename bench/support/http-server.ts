/**
 * The server side of the HTTP benchmark, run as its own process: a host with the workload
 * and its web edge on a free port. It talks to the bench over IPC: sends { port } when
 * ready; on 'stats' answers with the host's counters, its CPU time and, since the last
 * 'stats', how busy its event loop was and what held it up (loop delay, garbage-collection
 * pauses); on 'memory' (the soak) answers with its RSS and heap after a collection; on 'stop' closes
 * the edge and the host and exits. With BENCH_SERVER_PROFILE=<file>, the CPU profile of the
 * measured run alone (from the first 'stats' to the second) is written to that file.
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks'
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

const loopDelay = monitorEventLoopDelay({ resolution: 1 })
loopDelay.enable()
/** Event-loop utilization at the last 'stats': the share of time the loop was running code since. */
let loopUse = performance.eventLoopUtilization()
const pauses: number[] = []
/** GC pauses of 5 ms or more: [start epoch ms, length ms], to set beside the load generator's bursts. */
const longPauses: [number, number][] = []
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    pauses.push(entry.duration)
    if (entry.duration >= 5) longPauses.push([performance.timeOrigin + entry.startTime, Math.round(entry.duration * 10) / 10])
  }
}).observe({ entryTypes: ['gc'] })

const profileFile = process.env.BENCH_SERVER_PROFILE
let profiler: Session | undefined
let profiled = false
/** Starts the profiler on the first call, writes the profile on the second; then nothing. */
async function profile(): Promise<void> {
  if (!profileFile || profiled) return
  if (!profiler) {
    profiler = new Session()
    profiler.connect()
    await profiler.post('Profiler.enable')
    await profiler.post('Profiler.start')
  } else {
    const { profile } = await profiler.post('Profiler.stop')
    writeFileSync(profileFile, JSON.stringify(profile))
    profiler.disconnect()
    profiled = true
  }
}

process.send!({ type: 'ready', port: edge.port })
process.on('message', async (message: { type: string }) => {
  if (message.type === 'stats') {
    while (edge.inFlight) await new Promise((r) => setTimeout(r, 10))
    await host.db.writer.drain()
    const ms = (ns: number) => Math.round(ns / 1e4) / 100
    const held = {
      loopBusy: Math.round(performance.eventLoopUtilization(loopUse).utilization * 100) / 100,
      loopDelayP50Ms: ms(loopDelay.percentile(50)),
      loopDelayP99Ms: ms(loopDelay.percentile(99)),
      loopDelayMaxMs: ms(loopDelay.max),
      gcPauses: pauses.length,
      gcPauseMs: Math.round(pauses.reduce((a, b) => a + b, 0)),
      gcPauseMaxMs: Math.round(Math.max(0, ...pauses) * 10) / 10,
      gcLongPauses: longPauses.splice(0),
    }
    loopDelay.reset()
    loopUse = performance.eventLoopUtilization()
    pauses.length = 0
    await profile()
    process.send!({ type: 'stats', stats: host.stats(), cpu: process.cpuUsage(), memory: process.memoryUsage().rss, held })
  } else if (message.type === 'memory') {
    // The soak's sample: the heap after a full collection (with --expose-gc), so its line
    // follows what stays alive, not when the collector last ran. The GC records kept for
    // 'stats' are dropped: a soak asks for them only at its end.
    ;(globalThis as { gc?: () => void }).gc?.()
    pauses.length = 0
    longPauses.length = 0
    const { rss, heapUsed } = process.memoryUsage()
    process.send!({ type: 'memory', rss, heapUsed })
  } else if (message.type === 'stop') {
    await edge.close()
    await stopRouter()
    process.exit(0)
  }
})
