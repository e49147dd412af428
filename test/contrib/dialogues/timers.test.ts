import { setup } from 'xstate'
import { describe, expect, it } from 'vitest'
import { DefaultApp } from '../../../src/contrib/default/index.js'
import { ask, defineDialogue, DialogueApp, DialogueSession, integer, say, text } from '../../../src/contrib/dialogues/index.js'
import { MessageLogApp } from '../../../src/contrib/messagelog/index.js'
import type { InspectionEvent } from '../../../src/index.js'
import { FakeClock, useRapidTest } from '../../../src/testing/index.js'
import { survey } from '../../../examples/dialogues/survey.js'
import { SurveyResponse } from '../../../examples/dialogues/models.js'
import { migrations as surveyMigrations } from '../../../examples/dialogues/migrations/index.js'

const HOUR = 3_600_000
const start = new Date('2026-12-01T09:00:00Z')

/** A dialogue without limits of its own: the settings' apply. */
const counter = defineDialogue({
  name: 'counter',
  trigger: 'count',
  machine: setup({}).createMachine({
    initial: 'n',
    states: {
      n: ask({ question: 'Send a number.', answer: integer(0, 9), invalid: 'A number, please.', store: 'n', next: 'done', remind: '1h' }),
      done: { type: 'final', entry: say('You sent %(n)s.', ({ context }) => context) },
    },
  }),
})

const base = {
  apps: [MessageLogApp, DialogueApp, DefaultApp],
  dialogues: [survey, counter],
  entities: [SurveyResponse],
  migrations: surveyMigrations,
}

describe('dialogue timers with a fake clock', () => {
  const clock = new FakeClock(start)
  const rapid = useRapidTest({ settings: { ...base, dialogueMaxSteps: 4, dialogueExpireAfter: '2h' }, clock })
  const session = async () => (await rapid.em().find(DialogueSession, {}, { orderBy: { startedAt: 'desc' } }))[0]!

  it('reminds once, 24 hours after the question and not a minute before, and expires 72 hours after the last message', async () => {
    await rapid.runScript(
      `
      1 > survey
      1 < Welcome to the health survey. What is your name?
      ... 23h 59m
      ... 1m
      1 < Reminder: Welcome to the health survey. What is your name?
      ... 24h
      1 > Ann
      1 < Thanks, Ann. How old are you?
      # 24 hours later the reminder, 72 hours after "Ann" the expiry
      ... 72h
      1 < Reminder: Thanks, Ann. How old are you?
      1 < This survey has expired. Send SURVEY to start again.
      ... 30d
      `,
      { strict: true },
    )
    const expired = await session()
    expect([expired.status, expired.wakeAt, expired.endedAt?.toISOString()]).toEqual(['expired', null, new Date(clock.now() - 30 * 24 * HOUR).toISOString()])
  })

  it('counts the 24 hours from an invalid answer, which is a reply', async () => {
    const t0 = clock.now()
    await rapid.exchange('2', 'survey')
    await rapid.exchange('2', 'Ann')
    await rapid.advanceTime('10h')
    expect((await rapid.exchange('2', 'old')).map((r) => r.text)).toEqual(['Please send your age as a number from 0 to 120.'])
    expect(await rapid.advanceTime('23h 59m')).toEqual([])
    expect(await rapid.advanceTime('1m')).toEqual([{ identity: '2', text: 'Reminder: Thanks, Ann. How old are you?' }])
    expect(clock.now() - t0).toBe(34 * HOUR)
  })

  it('fires each wake time at its time exactly, through the inspection stream', async () => {
    const events: InspectionEvent[] = []
    const off = rapid.router.inspector.subscribe((e) => (e.type === 'timer.fired' || e.type === 'session.stepped') && events.push(e))
    try {
      await rapid.exchange('3', 'survey')
      const armedAt = clock.now()
      await rapid.advanceTime('25h')
      const fired = events.find((e): e is InspectionEvent<'timer.fired'> => e.type === 'timer.fired')!
      expect([fired.source, fired.at - armedAt, fired.latenessMs]).toEqual(['dialogues', 24 * HOUR, 0])
      expect(events.filter((e) => e.type === 'session.stepped').map((e) => (e as InspectionEvent<'session.stepped'>).event)).toEqual(['dialogue.start', 'xstate.after.86400000.survey.name.waiting'])
    } finally {
      off()
    }
  })

  it('drops a wake time whose session moved on behind its back (another host stepped it)', async () => {
    await rapid.exchange('4', 'survey')
    const dropped: InspectionEvent<'timer.dropped'>[] = []
    const off = rapid.router.inspector.on('timer.dropped', (e) => dropped.push(e))
    try {
      await rapid.em().getConnection().execute('update dialogue_session set version = version + 1')
      expect(await rapid.advanceTime('25h')).toEqual([])
      expect(dropped.map((e) => e.reason)).toEqual(['the session is at version 2 (active), the wake was armed at 1'])
    } finally {
      off()
    }
  })

  it('applies the settings dialogueExpireAfter and dialogueMaxSteps to dialogues without their own', async () => {
    expect((await rapid.exchange('5', 'count')).map((r) => r.text)).toEqual(['Send a number.'])
    await rapid.advanceTime('1h')
    expect((await session()).status).toBe('active')
    expect((await rapid.advanceTime('1h')).map((r) => r.text)).toEqual([])
    expect((await session()).status).toBe('expired')
    await rapid.exchange('6', 'count')
    for (const text of ['x', 'y', 'z', 'w']) expect((await rapid.exchange('6', text)).map((r) => r.text)).toEqual(['A number, please.'])
    expect([(await session()).status, (await session()).steps]).toEqual(['active', 4])
    // The event beyond maxSteps fails the session, unapplied: the default app answers it.
    expect((await rapid.exchange('6', '5')).map((r) => r.text)).toEqual(['Sorry, RapidSMS could not understand your message.'])
    const failed = await session()
    expect([failed.status, failed.steps, failed.wakeAt]).toEqual(['failed', 4, null])
  })
})

describe('quiet hours', () => {
  // 07:00 UTC is 10:00 in Nairobi; quiet from 21:00 to 07:00 there (18:00 to 04:00 UTC).
  const clock = new FakeClock(new Date('2026-12-01T07:00:00Z'))
  const quietHours = { start: '21:00', end: '07:00', timeZone: 'Africa/Nairobi' }
  const rapid = useRapidTest({ settings: { ...base, dialogueQuietHours: quietHours }, clock })
  const app = () => rapid.router.getApp(DialogueApp)!

  it('defers a reminder that falls inside them to their end, and never a reply to someone who just wrote', async () => {
    await clock.advanceTo(new Date('2026-12-01T17:30:00Z')) // 20:30 local
    await rapid.exchange('7', 'survey')
    await clock.advanceTo(new Date('2026-12-01T19:00:00Z')) // 22:00 local: quiet
    expect((await rapid.exchange('7', 'Ann')).map((r) => r.text)).toEqual(['Thanks, Ann. How old are you?'])
    // The name's reminder would have been at 17:30 UTC the next day (outside); the age's at 19:00 (inside).
    expect(await rapid.advanceTime('21h 59m')).toEqual([])
    expect(await rapid.advanceTime('1m')).toEqual([])
    expect(clock.now()).toBe(Date.parse('2026-12-02T17:00:00Z'))
    expect(await rapid.advanceTime('10h 59m')).toEqual([])
    expect(await rapid.advanceTime('1m')).toEqual([{ identity: '7', text: 'Reminder: Thanks, Ann. How old are you?' }])
    expect(new Date(clock.now()).toISOString()).toBe('2026-12-03T04:00:00.000Z')
  })

  it('startDialogue inside them stores the sessions and asks the first question at their end', async () => {
    await clock.advanceTo(new Date('2026-12-05T20:00:00Z')) // 23:00 local
    const connections = await rapid.lookupConnections(['8', '9'])
    expect(await app().startDialogue('survey', connections)).toEqual({ started: 0, deferred: 2, skipped: 0 })
    expect(rapid.sentMessages).toEqual([])
    expect(await app().startDialogue('survey', connections)).toEqual({ started: 0, deferred: 0, skipped: 2 })
    expect(await rapid.advanceTime('7h 59m')).toEqual([])
    const byIdentity = (a: { identity: string }, b: { identity: string }) => a.identity.localeCompare(b.identity)
    expect((await rapid.advanceTime('1m')).sort(byIdentity)).toEqual([
      { identity: '8', text: 'Welcome to the health survey. What is your name?' },
      { identity: '9', text: 'Welcome to the health survey. What is your name?' },
    ])
    // The first question counts from when it was sent: its reminder is 24 hours later.
    expect(await rapid.advanceTime('23h 59m')).toEqual([])
    expect((await rapid.advanceTime('1m')).map((r) => r.text)).toEqual(['Reminder: Welcome to the health survey. What is your name?', 'Reminder: Welcome to the health survey. What is your name?'])
  })

  it('a person who writes to a deferred session gets the first question now', async () => {
    await clock.advanceTo(new Date('2026-12-10T20:00:00Z'))
    const [connection] = await rapid.lookupConnections(['10'])
    await app().startDialogue('survey', [connection!])
    expect((await rapid.exchange('10', 'hello?')).map((r) => r.text)).toEqual(['Welcome to the health survey. What is your name?'])
    expect((await rapid.exchange('10', 'Ann')).map((r) => r.text)).toEqual(['Thanks, Ann. How old are you?'])
    expect(await rapid.advanceTime('9h')).toEqual([])
  })
})

describe('a text() answer and its examples', () => {
  it('reads any text that is not blank', () => {
    expect(text().read('  Ann  ')).toEqual({ value: 'Ann' })
  })
})
