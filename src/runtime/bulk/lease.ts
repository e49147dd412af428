import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'

/**
 * The name a bulk sender runs jobs under: the machine, the process id and a random part (two
 * hosts of one process are two runners), e.g. `gw1/4242/9f3c1a`.
 */
export function runnerName(): string {
  return `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`
}

/**
 * Has the process of a runner ended? True only when it ran on this machine and no process has
 * its id any more (a job left by a killed `rapidsms send` is taken over at once, not after the
 * lease); false when it lives or cannot be told (another machine: its heartbeat decides).
 */
export function runnerGone(runner: string): boolean {
  const [machine, pid] = runner.split('/')
  const id = Number(pid)
  if (machine !== hostname() || !Number.isInteger(id) || id <= 0 || id === process.pid) return false
  try {
    process.kill(id, 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
