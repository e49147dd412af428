import { spawn } from 'node:child_process'
import { Database } from '../../src/models/index.js'

/**
 * The environment a person's shell would have: none of this test run's own settings (log
 * level, test database, npm's variables), and npm told to use its cache only (`--offline`),
 * so a project that needs the registry fails here instead of waiting for the network.
 */
export function projectEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key.startsWith('RAPIDSMS_') || key === 'DATABASE_URL' || key === 'PORT' || key === 'NODE_OPTIONS' || key === 'FORCE_COLOR' || key.startsWith('VITEST')) continue
    env[key] = value
  }
  return { ...env, NO_COLOR: '1', npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra }
}

export interface ShellResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Run `command` in a shell (globs expand, as in a terminal) in `cwd`, to completion. */
export function runShell(command: string, options: { cwd: string; env?: Record<string, string> }): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: options.cwd, env: projectEnv(options.env) })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

export interface Started {
  /** The web edge's address, from the ready line. */
  url: string
  output(): string
  /** Ctrl-C: SIGINT to the command's process group, as a terminal sends it; resolves with all it printed. */
  stop(): Promise<string>
}

/**
 * Start a long-running `command` (e.g. `npm start`) and resolve once its output matches
 * `ready`. With `terminal`, Ctrl-C is the byte 0x03 typed into its standard input (for a
 * command run on a pty, whose terminal turns it into SIGINT).
 */
export function startShell(command: string, options: { cwd: string; env?: Record<string, string>; ready: RegExp; timeoutMs?: number; terminal?: boolean }): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: options.cwd, env: projectEnv(options.env), detached: true })
    let output = ''
    const exited = new Promise<void>((done) => child.once('close', () => done()))
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return output
      if (options.terminal) child.stdin.write('\x03')
      else process.kill(-child.pid!, 'SIGINT')
      await exited
      return output
    }
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL')
      reject(new Error(`${command}: ${options.ready} did not appear:\n${output}`))
    }, options.timeoutMs ?? 60_000)
    const onData = (d: Buffer) => {
      output += d.toString()
      if (!options.ready.test(output)) return
      clearTimeout(timer)
      child.stdout.off('data', onData)
      child.stdout.on('data', (more: Buffer) => (output += more.toString()))
      const url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1] ?? /(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? ''
      resolve({ url, output: () => output, stop })
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.once('close', (code) => {
      clearTimeout(timer)
      reject(new Error(`${command} exited with ${code} before ${options.ready}:\n${output}`))
    })
  })
}

/** Rows of a query on a project's SQLite file (read once the project is stopped). */
export async function sqliteRows<T>(file: string, sql: string): Promise<T[]> {
  const db = await Database.open({ url: `sqlite:${file}`, entities: [], migrations: [] })
  try {
    return (await db.orm.em.getConnection().execute(sql)) as T[]
  } finally {
    await db.close()
  }
}
