import { describe, expect, it } from 'vitest'
import { AppBase, type IncomingMessage } from '../../../src/index.js'
import { DefaultApp } from '../../../src/contrib/default/index.js'
import { DialogueApp, DialogueSession, DialogueStep } from '../../../src/contrib/dialogues/index.js'
import { EchoHandler, PingHandler } from '../../../src/contrib/echo/index.js'
import { HandlersApp } from '../../../src/contrib/handlers/index.js'
import { Message, MessageLogApp } from '../../../src/contrib/messagelog/index.js'
import { Contact } from '../../../src/models/index.js'
import { StaleWriteError } from '../../../src/models/record-writer.js'
import { FakeClock, useRapidTest } from '../../../src/testing/index.js'
import { survey } from '../../../examples/dialogues/survey.js'
import { SurveyResponse } from '../../../examples/dialogues/models.js'
import { migrations as surveyMigrations } from '../../../examples/dialogues/migrations/index.js'
import { captureLogs } from '../../support/logs.js'

/** Makes the session DialogueApp loaded stale (another host stepped it meanwhile) when the text is RACE. */
class Racer extends AppBase {
  override async handle(msg: IncomingMessage) {
    if (msg.text !== 'RACE') return false
    // Joins DialogueApp's load of this turn, then changes the row behind its back.
    await this.router.getApp(DialogueApp)!.store.active(msg.connections[0]!.id!)
    await this.router.db.orm.em.getConnection().execute('update dialogue_session set version = version + 10')
    return false
  }
}

const clock = new FakeClock(new Date('2026-12-01T09:00:00Z'))
const settings = {
  apps: [MessageLogApp, Racer, DialogueApp, HandlersApp, DefaultApp],
  handlers: [EchoHandler, PingHandler],
  dialogues: [survey],
  entities: [SurveyResponse],
  migrations: surveyMigrations,
}

describe('DialogueApp with the survey on a real host', () => {
  const rapid = useRapidTest({ settings, clock })
  const app = () => rapid.router.getApp(DialogueApp)!
  const texts = async (identity: string, text: string) => (await rapid.exchange(identity, text)).map((r) => r.text)
  const sessions = () => rapid.em().find(DialogueSession, {}, { orderBy: { startedAt: 'asc', id: 'asc' }, populate: ['connection'] })

  it('runs the survey, stores the session and its steps, and the answers with the contact named', async () => {
    const answers = ['Ann', '30', 'F', 'yes', 'Kisumu', 'YES']
    expect(await texts('254700000001', 'survey')).toEqual(['Welcome to the health survey. What is your name?'])
    const replies = []
    for (const answer of answers) replies.push(...(await texts('254700000001', answer)))
    expect(replies.at(-1)).toBe('Thank you, Ann. Your answers are saved.')
    const [session] = await sessions()
    expect([session!.dialogue, session!.status, session!.version, session!.wakeAt, session!.expiresAt]).toEqual(['survey', 'completed', 7, null, null])
    expect(session!.endedAt).toEqual(clock.date())
    const steps = await rapid.em().find(DialogueStep, { session: session!.id }, { orderBy: { seq: 'asc' } })
    expect(steps.map((s) => [s.seq, s.event.type, s.before, s.after])).toEqual([
      [0, 'dialogue.start', null, 'name.waiting'],
      [1, 'reply', 'name.waiting', 'age.waiting'],
      [2, 'reply', 'age.waiting', 'sex.waiting'],
      [3, 'reply', 'sex.waiting', 'pregnant.waiting'],
      [4, 'reply', 'pregnant.waiting', 'village.waiting'],
      [5, 'reply', 'village.waiting', 'confirm.waiting'],
      [6, 'reply', 'confirm.waiting', 'saved'],
    ])
    expect(steps.map((s) => s.sends.length)).toEqual([1, 1, 1, 1, 1, 1, 1])
    expect(steps.every((s) => s.sentAt !== null && s.messageId?.length === 32)).toBe(true)
    const [response] = await rapid.em().find(SurveyResponse, {}, { populate: ['contact'] })
    expect([response!.session, response!.name, response!.age, response!.sex, response!.pregnant, response!.village, response!.contact?.name]).toEqual([session!.id, 'Ann', 30, 'F', true, 'Kisumu', 'Ann'])
    expect((await rapid.lookupConnections(['254700000001']))[0]!.contact?.name).toBe('Ann')
    // Done: messages go to the other apps again.
    expect(await texts('254700000001', 'ping')).toEqual(['pong'])
  })

  it('renames the contact a connection already has instead of making another', async () => {
    const contact = await rapid.createContact({ name: 'Old name' })
    const [connection] = await rapid.lookupConnections(['254700000002'])
    await rapid.em().nativeUpdate('Connection', { id: connection!.id }, { contact: contact.id })
    rapid.router.releaseIdleConnections(0)
    for (const text of ['survey', 'Bo', '70', 'm', 'Town', 'y']) await rapid.exchange('254700000002', text)
    expect((await rapid.em().find(Contact, {})).map((c) => c.name)).toEqual(['Bo'])
  })

  it('stores the rows onDone leaves pending in the commit of the completing step: refused, neither is stored and the message fails', async () => {
    await rapid.exchange('254700000009', 'survey')
    const [session] = await sessions()
    // A response of this session is already stored (survey_response.session is unique).
    await rapid.db.writer.insert(SurveyResponse, { session: session!.id, name: 'Earlier', age: 1, sex: 'M', village: 'X', createdOn: clock.date() } as never)
    for (const text of ['Cy', '70', 'm', 'Town']) await rapid.exchange('254700000009', text)
    rapid.clearSentMessages()
    const logs = captureLogs('warn')
    try {
      // The gateway sends it again.
      await expect(rapid.exchange('254700000009', 'YES')).rejects.toThrow(/unique|UNIQUE/)
    } finally {
      logs.stop()
    }
    expect(rapid.sentMessages.map((m) => m.text)).toEqual([])
    expect(logs.lines.some((l) => l.name === 'rapidsms.contrib.dialogues' && l.msg.startsWith('a dialogue step was not stored'))).toBe(true)
    const [still] = await sessions()
    expect([still!.status, still!.version]).toEqual(['active', 5])
    expect(await rapid.em().count(DialogueStep, { session: session!.id })).toBe(5)
    expect(await rapid.em().count(Message, { direction: 'I', text: 'YES' })).toBe(0)
    expect((await rapid.em().find(SurveyResponse, {})).map((r) => r.name)).toEqual(['Earlier'])
    // Once the row is out of the way, the same answer completes it, its response stored once.
    await rapid.em().nativeDelete(SurveyResponse, {})
    expect(await texts('254700000009', 'YES')).toEqual(['Thank you, Cy. Your answers are saved.'])
    expect((await rapid.em().find(SurveyResponse, {})).map((r) => [r.session, r.name])).toEqual([[session!.id, 'Cy']])
  })

  it('takes a reply that starts with a handler keyword as the answer, since DialogueApp comes first', async () => {
    await rapid.exchange('254700000003', 'SURVEY')
    expect(await texts('254700000003', 'echo Ann')).toEqual(['Thanks, echo Ann. How old are you?'])
  })

  it('stores each step in the commit of the message log row: a stale step stores neither', async () => {
    await rapid.exchange('254700000004', 'survey')
    const logged = () => rapid.em().count(Message, { direction: 'I' })
    expect(await logged()).toBe(1)
    const logs = captureLogs('warn')
    rapid.clearSentMessages()
    try {
      // The message fails (a gateway sends it again) and nothing answers it.
      await expect(rapid.exchange('254700000004', 'RACE')).rejects.toThrow(StaleWriteError)
    } finally {
      logs.stop()
    }
    expect(rapid.sentMessages).toEqual([])
    expect(await logged()).toBe(1)
    expect(await rapid.em().count(DialogueStep, {})).toBe(1)
    expect(logs.lines.some((l) => l.msg.includes('changed since it was read'))).toBe(true)
    // The next message reads the session as the other host left it (this host forgets what it kept of it) and goes on.
    expect(await texts('254700000004', 'Ann')).toEqual(['Thanks, Ann. How old are you?'])
    expect(await rapid.em().count(DialogueStep, {})).toBe(2)
  })

  it('STOP ends the active session as interrupted, with the dialogue\'s text; without a session it goes on to the other apps', async () => {
    await rapid.exchange('254700000005', 'survey')
    await rapid.exchange('254700000005', 'Ann')
    expect(await texts('254700000005', ' stop ')).toEqual(['You have left the survey. Send SURVEY to start again.'])
    const [session] = await sessions()
    expect([session!.status, session!.wakeAt, session!.timers]).toEqual(['interrupted', null, []])
    expect(await texts('254700000005', 'STOP')).toEqual(['Sorry, RapidSMS could not understand your message.'])
  })

  it('SURVEY during a survey interrupts it and starts again from the first question; one session stays active', async () => {
    await rapid.exchange('254700000006', 'survey')
    await rapid.exchange('254700000006', 'Ann')
    expect(await texts('254700000006', 'Survey')).toEqual(['Welcome to the health survey. What is your name?'])
    const all = await sessions()
    expect(all.map((s) => s.status).sort()).toEqual(['active', 'interrupted'])
    const old = all.find((s) => s.status === 'interrupted')!
    const steps = await rapid.em().find(DialogueStep, { session: old.id }, { orderBy: { seq: 'asc' } })
    expect(steps.map((s) => s.event.type)).toEqual(['dialogue.start', 'reply', 'dialogue.interrupt'])
  })

  it('lets the database hold at most one active session per connection', async () => {
    await rapid.exchange('254700000007', 'survey')
    const [session] = await sessions()
    const copy = { ...session!, id: 'f'.repeat(32), connection: session!.connection.id }
    await expect(rapid.db.writer.insert(DialogueSession, copy as never)).rejects.toThrow(/unique|UNIQUE/)
    await rapid.db.writer.insert(DialogueSession, { ...copy, status: 'completed' } as never)
  })

  it('fails a session whose state the chart no longer has, with a log line naming the state; the message goes on', async () => {
    await rapid.exchange('254700000008', 'survey')
    const [session] = await sessions()
    await rapid.em().nativeUpdate(DialogueSession, { id: session!.id }, { snapshot: { ...session!.snapshot!, value: { weight: 'waiting' } } })
    // As after the restart that brings the edited dialogue: the conversation is not in memory.
    rapid.router.releaseIdleConnections(0)
    const logs = captureLogs('warn')
    let replies: string[]
    try {
      replies = await texts('254700000008', '70')
    } finally {
      logs.stop()
    }
    expect(replies).toEqual(['Sorry, RapidSMS could not understand your message.'])
    const [failed] = await sessions()
    expect(failed!.status).toBe('failed')
    const line = logs.lines.find((l) => l.name === 'rapidsms.contrib.dialogues')!
    expect(line.msg).toContain(`dialogue session ${session!.id} of "survey" failed: its state "weight.waiting" does not exist in the dialogue any more`)
    expect(line.state).toBe('weight.waiting')
  })

  it('startDialogue starts each connection once, in batches, and again asks nobody a second first question', async () => {
    const connections = await rapid.lookupConnections(['1', '2', '3'])
    await rapid.exchange('2', 'survey')
    rapid.clearSentMessages()
    const first = await app().startDialogue('survey', [...connections, connections[0]!, { backend: { name: 'mockbackend' }, identity: '4' }])
    expect(first).toEqual({ started: 3, deferred: 0, skipped: 1 })
    expect(rapid.sentMessages.map((m) => [m.identities, m.text])).toEqual([
      [['1'], 'Welcome to the health survey. What is your name?'],
      [['3'], 'Welcome to the health survey. What is your name?'],
      [['4'], 'Welcome to the health survey. What is your name?'],
    ])
    expect(await app().startDialogue('survey', connections)).toEqual({ started: 0, deferred: 0, skipped: 3 })
    expect(rapid.sentMessages).toHaveLength(3)
    await expect(app().startDialogue('quiz', connections)).rejects.toThrow('no dialogue is named "quiz" (installed: survey)')
  })
})
