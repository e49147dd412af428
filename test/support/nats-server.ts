import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface NatsServer {
  url: string
  port: number
  process: ChildProcess
  stop(): Promise<void>
}

/** Is a nats-server binary on this machine? (With REQUIRE_SERVICES=1 tests must not skip.) */
export function natsServerAvailable(): boolean {
  if (process.env.REQUIRE_SERVICES === '1') return true
  return spawnSync('nats-server', ['--version']).status === 0
}

/**
 * Spawn a private nats-server with JetStream on a free loopback port (`-p -1`), and wait
 * until it says it is ready. stop() kills only this child.
 */
export async function startNatsServer(): Promise<NatsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'rapidsms-nats-'))
  const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', '-1', '-js', '-sd', dir], { stdio: ['ignore', 'ignore', 'pipe'] })
  const port = await new Promise<number>((resolve, reject) => {
    let output = ''
    let found: number | undefined
    const timer = setTimeout(() => reject(new Error(`nats-server did not start:\n${output}`)), 10_000)
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`nats-server exited with ${code}:\n${output}`)))
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      found ??= Number(/Listening for client connections on [\d.]+:(\d+)/.exec(output)?.[1]) || undefined
      if (found && output.includes('Server is ready')) {
        clearTimeout(timer)
        resolve(found)
      }
    })
  })
  child.removeAllListeners('exit')
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    process: child,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
