import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A pseudo-terminal pair made by socat: `dte` is where the backend opens "the modem",
 * `dce` where the simulator answers. unplug() kills socat (both ends close, as when a USB
 * modem drops off the bus); plug() makes a new pair at the same paths.
 */
export interface PtyPair {
  dir: string
  dte: string
  dce: string
  unplug(): Promise<void>
  plug(): Promise<void>
  close(): Promise<void>
}

function startSocat(dte: string, dce: string): Promise<ChildProcess> {
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${dte}`, `pty,raw,echo=0,link=${dce}`], { stdio: ['ignore', 'ignore', 'pipe'] })
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => fail(new Error(`socat did not start:\n${output}`)), 10_000)
    const onError = (error: Error) => fail(new Error(`socat could not start (is it installed?): ${error.message}`))
    const onExit = (code: number | null) => fail(new Error(`socat exited with ${code}:\n${output}`))
    const done = () => {
      clearTimeout(timer)
      child.off('error', onError)
      child.off('exit', onExit)
    }
    const fail = (error: Error) => (done(), reject(error))
    child.once('error', onError)
    child.once('exit', onExit)
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('starting data transfer loop')) {
        done()
        resolve(child)
      }
    })
  })
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  // 'close' comes once the process has exited and its stderr pipe is drained.
  const closed = new Promise((resolve) => child.once('close', resolve))
  child.kill('SIGTERM')
  await closed
}

/** Make a pty pair in a fresh temporary folder. */
export async function ptyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'rapidsms-pty-'))
  const dte = join(dir, 'dte')
  const dce = join(dir, 'dce')
  let socat: ChildProcess | undefined = await startSocat(dte, dce)
  return {
    dir,
    dte,
    dce,
    async unplug() {
      await stopChild(socat)
      socat = undefined
    },
    async plug() {
      if (!socat || socat.exitCode !== null || socat.signalCode !== null) socat = await startSocat(dte, dce)
    },
    async close() {
      await stopChild(socat)
      socat = undefined
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
