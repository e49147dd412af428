import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DialogueApp, DialogueSession } from '../../../src/contrib/dialogues/index.js'
import { MessageLogApp } from '../../../src/contrib/messagelog/index.js'
import { Host, MockBackend } from '../../../src/index.js'
import { FakeClock, scratchDatabase, type ScratchDatabase } from '../../../src/testing/index.js'
import { survey } from '../../../examples/dialogues/survey.js'
import { SurveyResponse } from '../../../examples/dialogues/models.js'
import { migrations as surveyMigrations } from '../../../examples/dialogues/migrations/index.js'

const HOUR = 3_600_000
const T0 = Date.parse('2026-12-01T09:00:00Z')
const settings = {
  apps: [MessageLogApp, DialogueApp],
  dialogues: [survey],
  entities: [SurveyResponse],
  migrations: surveyMigrations,
  backends: { mockbackend: { engine: MockBackend } },
  logLevel: 'silent' as const,
}

/** A host on the scratch database, its clock at `at`; what its mock backend sent. */
async function hostAt(scratch: ScratchDatabase, at: number) {
  const clock = new FakeClock(at)
  const host = await Host.start(settings, { databaseUrl: scratch.url, clock })
  const outbox = (host.backends.get('mockbackend')!.backend as MockBackend).outbox
  const sent = () => outbox.splice(0).map((m) => [m.identities.join(), m.text, new Date(clock.now()).toISOString()])
  const say = async (identity: string, text: string) => {
    const [connection] = await host.lookupConnections('mockbackend', [identity])
    await host.receive(text, connection!)
  }
  return { host, clock, sent, say }
}

describe('a restart while reminders are pending', () => {
  let scratch: ScratchDatabase
  beforeEach(async () => {
    scratch = await scratchDatabase()
  })
  afterEach(async () => {
    await scratch.dispose()
  })

  it('fires them at the right time after the restart, not before', async () => {
    const first = await hostAt(scratch, T0)
    await first.say('1', 'survey')
    await first.clock.advance('1h')
    await first.say('2', 'survey')
    await first.say('2', 'Ann')
    first.sent()
    await first.host.stop()
    // Down from T0+1h to T0+5h.
    const second = await hostAt(scratch, T0 + 5 * HOUR)
    try {
      await second.clock.advanceTo(T0 + 24 * HOUR - 1)
      expect(second.sent()).toEqual([])
      await second.clock.advance(1)
      expect(second.sent()).toEqual([['1', 'Reminder: Welcome to the health survey. What is your name?', '2026-12-02T09:00:00.000Z']])
      await second.clock.advance('1h')
      expect(second.sent()).toEqual([['2', 'Reminder: Thanks, Ann. How old are you?', '2026-12-02T10:00:00.000Z']])
      // And the answers go on where they were.
      await second.say('2', '30')
      expect(second.sent().map(([, text]) => text)).toEqual(['Are you male or female? Send M or F.'])
    } finally {
      await second.host.stop()
    }
  })

  it('fires at start a reminder that fell due while the host was down', async () => {
    const first = await hostAt(scratch, T0)
    await first.say('3', 'survey')
    await first.host.stop()
    const second = await hostAt(scratch, T0 + 30 * HOUR)
    try {
      await second.clock.runDue()
      expect(second.sent()).toEqual([['3', 'Reminder: Welcome to the health survey. What is your name?', '2026-12-02T15:00:00.000Z']])
      // Once: the expiry is still 42 hours away.
      await second.clock.advance('41h')
      expect(second.sent()).toEqual([])
      await second.clock.advance('1h')
      expect(second.sent()).toEqual([['3', 'This survey has expired. Send SURVEY to start again.', '2026-12-04T09:00:00.000Z']])
    } finally {
      await second.host.stop()
    }
  })

  it('expires at start a session whose expiry passed while the host was down, without its moot reminder', async () => {
    const first = await hostAt(scratch, T0)
    await first.say('4', 'survey')
    await first.host.stop()
    const second = await hostAt(scratch, T0 + 100 * HOUR)
    try {
      await second.clock.runDue()
      expect(second.sent()).toEqual([['4', 'This survey has expired. Send SURVEY to start again.', '2026-12-05T13:00:00.000Z']])
      const [session] = await second.host.db.orm.em.fork().find(DialogueSession, {})
      expect([session!.status, session!.wakeAt]).toEqual(['expired', null])
    } finally {
      await second.host.stop()
    }
  })

  it('sends at start the texts of a step a stopped host stored but did not send', async () => {
    const first = await hostAt(scratch, T0)
    await first.say('5', 'survey')
    await first.say('5', 'Ann')
    first.sent()
    // As if the host had died between storing the step and handing its text on.
    await first.host.db.orm.em.getConnection().execute('update dialogue_step set sent_at = null where seq = 1')
    await first.host.stop()
    const second = await hostAt(scratch, T0 + HOUR)
    try {
      expect(second.sent()).toEqual([['5', 'Thanks, Ann. How old are you?', '2026-12-01T10:00:00.000Z']])
      const unsent = await second.host.db.orm.em.getConnection().execute('select count(*) as n from dialogue_step where sent_at is null')
      expect(Number((unsent[0] as { n: unknown }).n)).toBe(0)
    } finally {
      await second.host.stop()
    }
  })
})
