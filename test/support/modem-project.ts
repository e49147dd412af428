import { afterAll, afterEach, beforeAll } from 'vitest'
import { ModemBackend } from '../../src/backends/modem/index.js'
import type { ModemActor } from '../../actors/modem.actor.js'
import { AppBase, type AppClass } from '../../src/apps/index.js'
import type { Clock } from '../../src/core/clock.js'
import type { IncomingMessage } from '../../src/core/messages/index.js'
import { Host } from '../../src/runtime/host.js'
import { scratchDatabase, type FakeClock, type ScratchDatabase } from '../../src/testing/index.js'
import { ModemSimulator, type SimulatorOptions } from './modem-simulator.js'
import { ptyPair, type PtyPair } from './pty.js'

export interface ModemProjectOptions {
  apps?: AppClass[]
  router?: 'blocking' | 'database'
  clock?: Clock
  backend?: Record<string, unknown>
  simulator?: SimulatorOptions
  /** Runs on the simulator before the host starts (messages already on the SIM). */
  before?: (sim: ModemSimulator) => void
  /** Wait until the modem is ready before the test goes on (default true). */
  ready?: boolean
}

export interface ModemProject {
  pty: PtyPair
  sim: ModemSimulator
  host: Host
  backend: ModemBackend
  link: ModemActor
  /** Messages the router received, in order. */
  received: IncomingMessage[]
  /** Stop the host, the simulator and socat. */
  close(): Promise<void>
}

export const MODEM = 'modem'

/** A host with a ModemBackend on a pty whose other end is a ModemSimulator. */
export async function startModemProject(options: ModemProjectOptions = {}): Promise<ModemProject> {
  const pty = await ptyPair()
  const sim = await ModemSimulator.open(pty.dce, options.simulator)
  options.before?.(sim)
  const scratch: ScratchDatabase = await scratchDatabase()
  const received: IncomingMessage[] = []
  /** Records every message the router receives (filter runs first, for every message). */
  class Recorder extends AppBase {
    override filter(msg: IncomingMessage) {
      received.push(msg)
      return false
    }
  }
  let host: Host
  try {
    host = await Host.start(
      {
        apps: [Recorder, ...(options.apps ?? [])],
        router: options.router ?? 'blocking',
        backends: { [MODEM]: { engine: ModemBackend, port: pty.dte, ...options.backend } },
      },
      { databaseUrl: scratch.url, clock: options.clock },
    )
  } catch (error) {
    await sim.close()
    await pty.close()
    await scratch.dispose()
    throw error
  }
  const backend = host.backends.get(MODEM)!.backend as ModemBackend
  const link = backend.link as ModemActor
  if (options.ready !== false) await link.whenReady()
  return {
    pty,
    sim,
    host,
    backend,
    link,
    received,
    async close() {
      await host.stop()
      await sim.close()
      await pty.close()
      await scratch.dispose()
    },
  }
}

/** A ModemProject for the tests of one describe block (started before, closed after). */
export function useModemProject(options: ModemProjectOptions = {}): { readonly project: ModemProject } {
  const handle = { project: undefined as unknown as ModemProject }
  beforeAll(async () => {
    handle.project = await startModemProject(options)
  }, 30_000)
  afterAll(() => handle.project?.close(), 30_000)
  afterEach(() => {
    handle.project?.received.splice(0)
  })
  return handle
}

/** Wait (real time) until `check` holds: for bytes crossing the pty, never for a deadline of ours. */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<Exclude<T, false | '' | 0>>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value as NonNullable<Exclude<T, false | '' | 0>>
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/**
 * Move a FakeClock on in steps until `check` holds, letting real I/O (bytes on the pty, a
 * port closing) happen between steps: how a test lets the keepalive and the reconnect
 * backoff run without waiting for their deadlines.
 */
export async function advanceUntil(clock: FakeClock, check: () => boolean, what: string, step = '5s', steps = 40): Promise<void> {
  for (let i = 0; i < steps; i++) {
    for (let turn = 0; turn < 5 && !check(); turn++) await new Promise((r) => setTimeout(r, 10))
    if (check()) return
    await clock.advance(step)
  }
  throw new Error(`${what} did not happen within ${steps} steps of ${step}`)
}
