/**
 * The processes of the HTTP benchmarks: the server (support/http-server.ts, a host with the
 * workload and its edge) and the support scripts (the autocannon load generator, the
 * ticker), each in its own Node process so none shares the server's event loop.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Result } from 'autocannon'
import { DatabaseBackend, MessageLogApp } from '../../src/index.js'
import { coreEntities, coreMigrations, Database } from '../../src/models/index.js'
import type { BurstReport } from './bursts.js'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** Run a support script (a path relative to bench/support) in its own Node process; resolves with the JSON line it prints. */
export function runScript<T>(script: string, args: string[], flags: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', here(script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${script} exited with ${code}`))))
  })
}

/** What support/load.ts reports. */
export interface LoadReport {
  result: Result
  cpu: NodeJS.CpuUsage
  bursts: BurstReport
  seconds: number
  tailRate: number
}

/** Load for `duration` seconds, or `amount` requests, every one answered (BENCH_LOAD_FLAGS: the load generator's Node flags). */
export function runLoad(url: string, connections: number, run: { duration: number } | { amount: number }): Promise<LoadReport> {
  const flags = (process.env.BENCH_LOAD_FLAGS ?? '').split(' ').filter(Boolean)
  return runScript<LoadReport>('./load.ts', [JSON.stringify({ url, connections, ...run })], flags)
}

/** The benchmark server, started and listening. */
export interface BenchServer {
  readonly process: ChildProcess
  readonly port: number
  /** Send an IPC request ('stats', 'memory') and wait for its answer. */
  ask<T>(type: string): Promise<T>
  /** Close the edge and the host, and wait for the process to exit. */
  stop(): Promise<void>
}

/** Start support/http-server.ts on `databaseUrl` with these Node flags; resolves once it listens. */
export async function startBenchServer(databaseUrl: string, flags: string[]): Promise<BenchServer> {
  const child = fork(here('./http-server.ts'), [], { execArgv: ['--import', 'tsx', ...flags], env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m))
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
  return {
    process: child,
    port,
    ask: <T>(type: string) =>
      new Promise<T>((resolve) => {
        child.once('message', (m: T) => resolve(m))
        child.send({ type })
      }),
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.send({ type: 'stop' })
      await exited
    },
  }
}

/** The workload's database (to count its rows), opened beside the server. */
export function workloadDatabase(url: string): Promise<Database> {
  return Database.open({ url, entities: [...coreEntities, ...DatabaseBackend.entities!, ...MessageLogApp.entities!], migrations: [...coreMigrations, ...DatabaseBackend.migrations!, ...MessageLogApp.migrations!] })
}
