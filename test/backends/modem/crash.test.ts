import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Message } from '../../../src/contrib/messagelog/index.js'
import { coreEntities, coreMigrations, Database } from '../../../src/models/index.js'
import { scratchDatabase, type ScratchDatabase } from '../../../src/testing/index.js'
import { rapidsmsUntil } from '../../support/cli.js'
import { ModemSimulator } from '../../support/modem-simulator.js'
import { eventually } from '../../support/modem-project.js'
import { ptyPair, type PtyPair } from '../../support/pty.js'

const project = fileURLToPath(new URL('./fixtures/project/', import.meta.url))

/**
 * A real host (`rapidsms start`) in a child process, killed with SIGKILL at the worst
 * moments, then started again: every message arrives exactly once, and leaves the SIM only
 * once it is committed.
 */
describe('the host killed with SIGKILL', () => {
  let pty: PtyPair
  let sim: ModemSimulator
  let scratch: ScratchDatabase
  let db: Database
  let host: ChildProcess | undefined

  beforeAll(async () => {
    pty = await ptyPair()
    sim = await ModemSimulator.open(pty.dce)
    scratch = await scratchDatabase()
  }, 30_000)
  afterAll(async () => {
    host?.kill('SIGKILL')
    await db?.close()
    await sim?.close()
    await pty?.close()
    await scratch?.dispose()
  }, 30_000)

  async function start(env: Record<string, string> = {}): Promise<{ child: ChildProcess; output: () => string }> {
    // A killed host's port closed with it; socat may have gone too: the modem is plugged in again.
    await pty.plug()
    if (!sim.attached) await sim.attach(pty.dce)
    const started = await rapidsmsUntil(['start', '--port', '0'], '"modem ready"', {
      cwd: project,
      env: { DATABASE_URL: scratch.url, MODEM_PORT: pty.dte, RAPIDSMS_LOG_LEVEL: 'info', ...env },
    })
    host = started.child
    return started
  }

  async function kill(child: ChildProcess): Promise<void> {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }

  async function logged(text: string): Promise<number> {
    db ??= await Database.open({ url: scratch.url, entities: [...coreEntities, Message], migrations: coreMigrations })
    return db.orm.em.fork().count(Message, { direction: 'I', text })
  }

  it('between reading a message and committing it: after the restart it arrives once', async () => {
    const first = await start({ MODEM_BLOCK: 'pay 100' })
    sim.receive('+254700000001', 'pay 100')
    await eventually(() => first.output().includes('BLOCKED pay 100'), 'the message being processed')
    expect(sim.count()).toBe(1)
    await kill(first.child)
    expect(await logged('pay 100')).toBe(0)
    // Still on the SIM: nothing was committed.
    expect(sim.count()).toBe(1)

    const second = await start()
    await eventually(async () => (await logged('pay 100')) === 1, 'the message committed after the restart')
    await eventually(() => sim.count() === 0, 'the message deleted from the SIM')
    await kill(second.child)
    expect(await logged('pay 100')).toBe(1)
  }, 60_000)

  it('after committing a message but before deleting it from the SIM: it is deleted, not handed in again', async () => {
    const first = await start()
    sim.holdDeletes = true
    // The commands from here on: the first test's message was deleted from the same slot.
    const from = sim.commands.length
    sim.receive('+254700000002', 'pay 200')
    await eventually(async () => (await logged('pay 200')) === 1, 'the message committed')
    // Asked for only once the host has noted the message committed (its inbox row).
    await eventually(() => sim.commands.slice(from).includes('AT+CMGD=1'), 'the delete asked for')
    await kill(first.child)
    sim.holdDeletes = false
    expect(sim.count()).toBe(1)

    const second = await start()
    await eventually(() => sim.count() === 0, 'the message deleted after the restart')
    // Handed in again, it would be logged (and committed) before its delete: once means it was only deleted.
    expect(await logged('pay 200')).toBe(1)
    await kill(second.child)
    expect(await logged('pay 200')).toBe(1)
  }, 60_000)
})
