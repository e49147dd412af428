import { afterEach, describe, expect, it } from 'vitest'
import { AppBase, DatabaseBackend, Host, LoggedMessage, MessageLogApp, MockBackend, type IncomingMessage, type UserSettings } from '../../../src/index.js'
import { DefaultApp } from '../../../src/contrib/default/index.js'
import { DialogueApp, DialogueStep } from '../../../src/contrib/dialogues/index.js'
import { sendId } from '../../../src/contrib/dialogues/outbox.js'
import { BackendMessage } from '../../../src/backends/database/index.js'
import { FakeClock, scratchDatabase } from '../../../src/testing/index.js'
import { survey } from '../../../examples/dialogues/survey.js'
import { SurveyResponse } from '../../../examples/dialogues/models.js'
import { migrations as surveyMigrations } from '../../../examples/dialogues/migrations/index.js'
import { StaleWriteError } from '../../../src/models/record-writer.js'
import { captureLogs } from '../../support/logs.js'

/** Makes the session DialogueApp keeps in memory stale (another host stepped it) when the text is RACE. */
class Racer extends AppBase {
  override async handle(msg: IncomingMessage) {
    if (msg.text !== 'RACE') return false
    await this.router.db.orm.em.getConnection().execute('update dialogue_session set version = version + 10')
    return false
  }
}

/**
 * Texts for a backend whose sends are rows of the message's unit (DatabaseBackend, under the
 * blocking router) go before the step's commit and are stored sent in it: one commit holds
 * the message, the step and its replies, and no note of them being sent follows. Other
 * backends, and the database router (whose transmissions commit on their own), get the texts
 * once the step is stored, then the note.
 */
describe('dialogue replies that are rows of the message', () => {
  const clock = new FakeClock(new Date('2026-12-01T09:00:00Z'))
  let stop: (() => Promise<void>) | undefined
  afterEach(async () => {
    await stop?.()
    stop = undefined
  })

  async function start(extra: Partial<UserSettings> = {}) {
    const scratch = await scratchDatabase()
    const settings: UserSettings = {
      apps: [MessageLogApp, Racer, DialogueApp, DefaultApp],
      dialogues: [survey],
      entities: [SurveyResponse],
      migrations: surveyMigrations,
      backends: { rows: { engine: DatabaseBackend }, gateway: { engine: MockBackend } },
      ...extra,
    }
    const host = await Host.start(settings, { databaseUrl: scratch.url, clock })
    stop = async () => {
      await host.stop()
      await scratch.dispose()
    }
    // Every note that a step's texts were sent (an update of its row after the commit).
    const notes: unknown[] = []
    const update = host.db.writer.update.bind(host.db.writer)
    host.db.writer.update = ((entity: unknown, changes: unknown, ...rest: unknown[]) => {
      if (entity === DialogueStep) notes.push(changes)
      return (update as (...a: unknown[]) => Promise<void>)(entity, changes, ...rest)
    }) as typeof host.db.writer.update
    const em = () => host.db.orm.em.fork()
    const steps = async () => (await em().find(DialogueStep, {}, { orderBy: { seq: 'asc' } })).map((s) => [s.seq, s.sends, s.sentAt?.toISOString() ?? null, s.at.toISOString()])
    const stored = async () => (await em().find(BackendMessage, {}, { orderBy: { id: 'asc' } })).map((r) => [r.identity, r.text, r.messageId])
    return { host, notes, steps, stored, em }
  }

  it('DatabaseBackend: the replies commit with the step, stored sent, and no note follows', async () => {
    const { host, notes, steps, stored, em } = await start()
    await host.receive('SURVEY', { backend: { name: 'rows' }, identity: '1' })
    await host.receive('Ann', { backend: { name: 'rows' }, identity: '1' })
    const at = clock.date().toISOString()
    expect(await steps()).toEqual([
      [0, ['Welcome to the health survey. What is your name?'], at, at],
      [1, ['Thanks, Ann. How old are you?'], at, at],
    ])
    expect(notes).toEqual([])
    const [session] = await em().getConnection().execute<{ id: string }[]>('select id from dialogue_session')
    // With the ids they would have if sent again: the step's own.
    expect(await stored()).toEqual([
      ['1', 'Welcome to the health survey. What is your name?', sendId(session!.id, 0, 0)],
      ['1', 'Thanks, Ann. How old are you?', sendId(session!.id, 1, 0)],
    ])
    // The replies' log rows are there when receive() resolves: replied means recorded.
    expect((await em().find(LoggedMessage, {}, { orderBy: { id: 'asc' } })).map((r) => [r.direction, r.text])).toEqual([
      ['I', 'SURVEY'],
      ['O', 'Welcome to the health survey. What is your name?'],
      ['I', 'Ann'],
      ['O', 'Thanks, Ann. How old are you?'],
    ])
  })

  it('a step that is not stored (its session changed meanwhile) leaves no reply row behind', async () => {
    const { host, steps, stored, em } = await start()
    await host.receive('SURVEY', { backend: { name: 'rows' }, identity: '1' })
    const logs = captureLogs('warn')
    try {
      // The message fails (a gateway sends it again): the reply it was given went nowhere.
      await expect(host.receive('RACE', { backend: { name: 'rows' }, identity: '1' })).rejects.toThrow(StaleWriteError)
    } finally {
      logs.stop()
    }
    expect(logs.lines.some((l) => l.msg.includes('changed since it was read'))).toBe(true)
    expect((await steps()).map((s) => s[0])).toEqual([0])
    expect((await stored()).map((r) => r[1])).toEqual(['Welcome to the health survey. What is your name?'])
    expect((await em().find(LoggedMessage, {}, { orderBy: { id: 'asc' } })).map((r) => r.text)).toEqual(['SURVEY', 'Welcome to the health survey. What is your name?'])
    // The next message reads the session again and goes on, its reply stored with it.
    await host.receive('Ann', { backend: { name: 'rows' }, identity: '1' })
    expect((await stored()).map((r) => r[1])).toEqual(['Welcome to the health survey. What is your name?', 'Thanks, Ann. How old are you?'])
  })

  it('a send that throws before the commit leaves the step stored as it is, and the conversation goes on', async () => {
    const { host, steps, stored } = await start()
    const send = host.send.bind(host)
    host.send = (async () => {
      throw new Error('the outgoing path broke')
    }) as typeof host.send
    const logs = captureLogs('warn')
    try {
      await host.receive('SURVEY', { backend: { name: 'rows' }, identity: '4' }).catch(() => undefined)
    } finally {
      logs.stop()
      host.send = send
    }
    expect(logs.lines.some((l) => (l.err as Error | undefined)?.message === 'the outgoing path broke')).toBe(true)
    // Stored with the texts it could not send as sent (never resent), as when the texts go after the commit.
    const at = clock.date().toISOString()
    expect(await steps()).toEqual([[0, ['Welcome to the health survey. What is your name?'], at, at]])
    // The app's failure leaves the message to the others: DefaultApp answers it (the only row).
    expect((await stored()).map((r) => r[1])).toEqual(['Sorry, RapidSMS could not understand your message.'])
    // Its reminder is armed as for any stored step.
    await clock.advance('24h')
    expect((await stored()).map((r) => r[1]).at(-1)).toBe('Reminder: Welcome to the health survey. What is your name?')
    await host.receive('Ann', { backend: { name: 'rows' }, identity: '4' })
    expect((await stored()).map((r) => r[1]).slice(2)).toEqual(['Thanks, Ann. How old are you?'])
  })

  it('a backend that reaches a gateway gets the texts once the step is stored, then the note', async () => {
    const { host, notes, steps } = await start()
    await host.receive('SURVEY', { backend: { name: 'gateway' }, identity: '2' })
    expect(notes).toHaveLength(1)
    const [step] = await steps()
    expect([step![0], step![2]]).toEqual([0, clock.date().toISOString()])
    expect((host.backends.get('gateway')!.backend as MockBackend).outbox.map((m) => m.text)).toEqual(['Welcome to the health survey. What is your name?'])
  })

  it('under the database router, DatabaseBackend too gets the texts after the commit (its transmissions commit on their own)', async () => {
    const { host, notes, stored } = await start({ router: 'database' })
    await host.receive('SURVEY', { backend: { name: 'rows' }, identity: '3' })
    expect(notes).toHaveLength(1)
    expect((await stored()).map((r) => r[1])).toEqual(['Welcome to the health survey. What is your name?'])
  })
})
