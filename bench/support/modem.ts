/**
 * The modem benchmark's two runs, on a real pty with the modem simulator: sending N messages
 * through a modem that takes `cmgsDelayMs` to accept each +CMGS, and receiving N messages
 * announced by +CMTI on a SIM of 30 slots (the "network" holds the rest until there is room).
 */
import { AppBase, type IncomingMessage } from '../../src/index.js'
import { ModemBackend } from '../../src/backends/modem/index.js'
import { Host } from '../../src/runtime/host.js'
import { scratchDatabase } from '../../src/testing/index.js'
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { SimulatorOptions } from '../../test/support/modem-simulator.js'
import { ptyPair } from '../../test/support/pty.js'

export interface ModemFigures {
  bench: 'modem'
  direction: 'send' | 'receive'
  messages: number
  seconds: number
  msgPerSec: number
  lost: number
  duplicated: number
  [condition: string]: unknown
}

const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places

interface SimReport {
  sent: string[]
  stored: number
  waiting: number
}

/** The simulator in its own process (see modem-sim-process.ts). */
async function simulator(dce: string, options: SimulatorOptions) {
  const child: ChildProcess = fork(fileURLToPath(new URL('./modem-sim-process.ts', import.meta.url)), [dce, JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve())
    child.once('exit', (code) => reject(new Error(`the simulator exited with ${code}`)))
  })
  child.removeAllListeners('exit')
  return {
    receive: (messages: [string, string][]) => child.send({ receive: messages }),
    report: () =>
      new Promise<SimReport>((resolve) => {
        child.once('message', (m) => resolve(m as SimReport))
        child.send({ report: true })
      }),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.send({ stop: true })
      }),
  }
}

async function project(options: { cmgsDelayMs?: number; capacity?: number; deliveryReports?: boolean }, received?: string[]) {
  const pty = await ptyPair()
  const sim = await simulator(pty.dce, { cmgsDelayMs: options.cmgsDelayMs, capacity: options.capacity })
  const scratch = await scratchDatabase('')
  class Counter extends AppBase {
    override handle(msg: IncomingMessage) {
      received?.push(msg.text)
      return true
    }
  }
  const host = await Host.start(
    { apps: [Counter], backends: { modem: { engine: ModemBackend, port: pty.dte, deliveryReports: options.deliveryReports ?? true } }, logLevel: 'warn' },
    { databaseUrl: scratch.url },
  )
  const backend = host.backends.get('modem')!.backend as ModemBackend
  await backend.link!.whenReady()
  return {
    pty,
    sim,
    host,
    close: async () => {
      await host.stop()
      await sim.close()
      await pty.close()
      await scratch.dispose()
    },
  }
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** Send `messages` messages to 100 phones at once; the modem accepts one +CMGS each `cmgsDelayMs`. */
export async function benchSend(messages: number, cmgsDelayMs: number, deliveryReports = true): Promise<ModemFigures> {
  const p = await project({ cmgsDelayMs, deliveryReports })
  try {
    const connections = await p.host.lookupConnections('modem', Array.from({ length: 100 }, (_, i) => `+2547000${String(i).padStart(5, '0')}`))
    const started = performance.now()
    await Promise.all(Array.from({ length: messages }, (_, i) => p.host.send(`bench message ${i}`, connections[i % 100]!)))
    const seconds = (performance.now() - started) / 1000
    const texts = (await p.sim.report()).sent
    const distinct = new Set(texts)
    const allowed = 1000 / cmgsDelayMs
    const msgPerSec = messages / seconds
    return {
      bench: 'modem',
      direction: 'send',
      messages,
      seconds: round(seconds),
      msgPerSec: round(msgPerSec),
      allowedPerSec: round(allowed),
      ofAllowed: round(msgPerSec / allowed, 3),
      lost: messages - distinct.size,
      duplicated: texts.length - distinct.size,
      cmgsDelayMs,
      deliveryReports,
    }
  } finally {
    await p.close()
  }
}

/** `messages` messages arrive from the network, announced by +CMTI, on a SIM of 30 slots. */
export async function benchReceive(messages: number): Promise<ModemFigures> {
  const received: string[] = []
  const p = await project({ capacity: 30 }, received)
  try {
    const started = performance.now()
    p.sim.receive(Array.from({ length: messages }, (_, i) => [`+2547001${String(i % 100).padStart(5, '0')}`, `incoming ${i}`]))
    let report: SimReport | undefined
    await until(async () => received.length >= messages && (report = await p.sim.report()).stored === 0 && report.waiting === 0, 120_000 + messages * 100, 'every message received and deleted')
    const seconds = (performance.now() - started) / 1000
    const distinct = new Set(received)
    return {
      bench: 'modem',
      direction: 'receive',
      messages,
      seconds: round(seconds),
      msgPerSec: round(messages / seconds),
      lost: messages - distinct.size,
      duplicated: received.length - distinct.size,
      simSlots: 30,
      leftOnSim: report!.stored,
    }
  } finally {
    await p.close()
  }
}
