import { fromCallback, setup, spawnChild } from 'xstate'
import { describe, expect, it } from 'vitest'
import { survey } from '../../../examples/dialogues/survey.js'
import { addTranslations } from '../../../src/contrib/translation/index.js'
import {
  afterQuietHours,
  ask,
  beginSession,
  defineDialogue,
  dueTimers,
  EXPIRED,
  integer,
  render,
  say,
  stepSession,
  STOPPED,
  text,
  type StepOutcome,
} from '../../../src/contrib/dialogues/index.js'

const HOUR = 3_600_000
const limits = { expireAfterMs: 72 * HOUR, maxSteps: 1000, quietHours: null }

/** Run replies through the survey as the engine steps them: each step's texts, state and status. */
function converse(replies: string[], start = 0) {
  let now = start
  let last = beginSession(survey, undefined, now, limits)
  const log: [string, string[], string][] = [['(start)', last.sends.map((s) => render(s, 'en')), last.after]]
  for (const text of replies) {
    now += 60_000
    last = stepSession(survey, last.state, { type: 'reply', text }, now, limits)
    log.push([text, last.sends.map((s) => render(s, 'en')), last.after])
  }
  return { log, last, now }
}

describe('the survey, stepped with the pure transition()', () => {
  it('asks every question of the reference texts, with the pregnancy question for F aged 15 to 49', () => {
    const { log, last } = converse(['  Ann ', '30', 'f', 'y', 'Kisumu', 'YES'])
    expect(log).toEqual([
      ['(start)', ['Welcome to the health survey. What is your name?'], 'name.waiting'],
      ['  Ann ', ['Thanks, Ann. How old are you?'], 'age.waiting'],
      ['30', ['Are you male or female? Send M or F.'], 'sex.waiting'],
      ['f', ['Are you pregnant? Send YES or NO.'], 'pregnant.waiting'],
      ['y', ['Which village do you live in?'], 'village.waiting'],
      ['Kisumu', ['You are Ann, 30, female, pregnant, from Kisumu. Is this correct? Send YES or NO.'], 'confirm.waiting'],
      ['YES', ['Thank you, Ann. Your answers are saved.'], 'saved'],
    ])
    expect(last.status).toBe('completed')
    expect(last.context).toEqual({ name: 'Ann', age: 30, sex: 'F', pregnant: true, village: 'Kisumu' })
    expect(last.state.timers).toEqual([])
  })

  it('steps alike from the previous outcome\'s machine snapshot and from the stored snapshot, restored', () => {
    const replies = ['Ann', 'x', '30', 'f', 'y', 'Kisumu', 'NO', 'Bo', '60', 'M', 'Town', 'YES']
    let [kept, stored] = [beginSession(survey, undefined, 0, limits), beginSession(survey, undefined, 0, limits)]
    for (const [i, text] of replies.entries()) {
      kept = stepSession(survey, kept.state, { type: 'reply', text }, i * 60_000, limits, kept.machineSnapshot)
      // What a host that read the session from the database has: its JSON.
      stored = stepSession(survey, JSON.parse(JSON.stringify(stored.state)), { type: 'reply', text }, i * 60_000, limits)
      const { machineSnapshot: _, ...compared } = kept
      const { machineSnapshot: __, ...expected } = stored
      expect(JSON.parse(JSON.stringify(compared))).toEqual(JSON.parse(JSON.stringify(expected)))
    }
    expect([kept.status, kept.context]).toEqual(['completed', { name: 'Bo', age: 60, sex: 'M', village: 'Town' }])
  })

  it('skips the pregnancy question for men and for women outside 15 to 49, and says so in the summary', () => {
    expect(converse(['Bo', '30', 'MALE', 'Town']).log.at(-1)![1]).toEqual(['You are Bo, 30, male, from Town. Is this correct? Send YES or NO.'])
    expect(converse(['Cy', '50', 'female', 'Town']).log.at(-1)![1]).toEqual(['You are Cy, 50, female, from Town. Is this correct? Send YES or NO.'])
    expect(converse(['Di', '14', 'F', 'Town']).log.at(-1)![1]).toEqual(['You are Di, 14, female, from Town. Is this correct? Send YES or NO.'])
    expect(converse(['Ed', '49', 'F', 'no', 'Town']).log.at(-1)![1]).toEqual(['You are Ed, 49, female, not pregnant, from Town. Is this correct? Send YES or NO.'])
  })

  it('answers invalid replies with the validation text and waits again; ages are read as int() reads them', () => {
    const { log } = converse(['Ann', 'abc', '121', '-1', '3.5', ' +٣٠ ', 'x', 'F', 'maybe', 'N', 'Town', 'perhaps'])
    expect(log.slice(2).map(([reply, sends]) => [reply, sends])).toEqual([
      ['abc', ['Please send your age as a number from 0 to 120.']],
      ['121', ['Please send your age as a number from 0 to 120.']],
      ['-1', ['Please send your age as a number from 0 to 120.']],
      ['3.5', ['Please send your age as a number from 0 to 120.']],
      [' +٣٠ ', ['Are you male or female? Send M or F.']],
      ['x', ['Please send M or F.']],
      ['F', ['Are you pregnant? Send YES or NO.']],
      ['maybe', ['Please send YES or NO.']],
      ['N', ['Which village do you live in?']],
      ['Town', ['You are Ann, 30, female, not pregnant, from Town. Is this correct? Send YES or NO.']],
      ['perhaps', ['Please send YES or NO.']],
    ])
  })

  it('NO starts again from the name, forgetting a pregnancy answer the new answers do not ask for', () => {
    const { log, last } = converse(['Ann', '30', 'F', 'yes', 'Kisumu', 'no', 'Bo', '30', 'M', 'Town', 'yes'])
    expect(log[6]).toEqual(['no', ["Let's start again. What is your name?"], 'again.waiting'])
    expect(log[10]![1]).toEqual(['You are Bo, 30, male, from Town. Is this correct? Send YES or NO.'])
    expect(last.context).toEqual({ name: 'Bo', age: 30, sex: 'M', village: 'Town' })
  })

  it('arms a reminder 24 hours after each question and the expiry 72 hours after the last message', () => {
    const start = Date.UTC(2026, 11, 1, 9)
    const first = beginSession(survey, undefined, start, limits)
    expect(first.state.timers.map((t) => [t.id, t.at - start])).toEqual([
      ['xstate.after.86400000.survey.name.waiting', 24 * HOUR],
      ['dialogue.expire', 72 * HOUR],
    ])
    // An invalid answer is a reply: both count from it.
    const ann = stepSession(survey, first.state, { type: 'reply', text: 'Ann' }, start + HOUR, limits)
    const bad = stepSession(survey, ann.state, { type: 'reply', text: 'old' }, start + 2 * HOUR, limits)
    expect(bad.state.timers.map((t) => [t.id, t.at - start])).toEqual([
      ['xstate.after.86400000.survey.age.waiting', 26 * HOUR],
      ['dialogue.expire', 74 * HOUR],
    ])
  })

  it('reminds once with the question as it was sent (the whole summary line), never the validation text', () => {
    const { last, now } = converse(['Ann', '30', 'M', 'Town', 'what'])
    const due = now + 24 * HOUR
    expect(dueTimers(last.state, due - 1)).toEqual([])
    const [reminder] = dueTimers(last.state, due)
    const reminded = stepSession(survey, last.state, reminder!.event, due, limits)
    expect(reminded.sends.map((s) => render(s, 'en'))).toEqual(['Reminder: You are Ann, 30, male, from Town. Is this correct? Send YES or NO.'])
    expect(reminded.state.timers.map((t) => t.id)).toEqual(['dialogue.expire'])
    // Once per question: another invalid reply arms no second reminder.
    const again = stepSession(survey, reminded.state, { type: 'reply', text: 'hmm' }, due + HOUR, limits)
    expect(again.sends.map((s) => render(s, 'en'))).toEqual(['Please send YES or NO.'])
    expect(again.state.timers.map((t) => t.id)).toEqual(['dialogue.expire'])
  })

  it('expires with its text after 72 hours; an expiry that passed makes pending reminders moot', () => {
    const { last, now } = converse(['Ann'])
    const late = now + 100 * HOUR
    expect(dueTimers(last.state, late).map((t) => t.id)).toEqual(['dialogue.expire'])
    const expired = stepSession(survey, last.state, { type: EXPIRED }, late, limits)
    expect([expired.status, expired.sends.map((s) => render(s, 'en')), expired.state.timers]).toEqual(['expired', ['This survey has expired. Send SURVEY to start again.'], []])
  })

  it('a stop word interrupts the session with its text', () => {
    const { last, now } = converse(['Ann', '30'])
    const stopped = stepSession(survey, last.state, { type: STOPPED }, now, limits)
    expect([stopped.status, stopped.sends.map((s) => render(s, 'en')), stopped.state.timers]).toEqual(['interrupted', ['You have left the survey. Send SURVEY to start again.'], []])
  })

  it('fails a session whose stored state no longer exists in the chart, naming the state', () => {
    const { last, now } = converse(['Ann'])
    const edited = { ...last.state, snapshot: { ...last.state.snapshot, value: { weight: 'waiting' } } }
    const failed = stepSession(survey, edited, { type: 'reply', text: '30' }, now, limits)
    expect(failed.status).toBe('failed')
    expect(failed.failure).toMatch(/^its state "weight\.waiting" does not exist in the dialogue any more/)
    expect(failed.sends).toEqual([])
  })

  it('fails a session on an event beyond maxSteps, without applying it', () => {
    let step: StepOutcome = beginSession(survey, undefined, 0, { ...limits, maxSteps: 3 })
    for (const text of ['Ann', 'x', 'y']) step = stepSession(survey, step.state, { type: 'reply', text }, 0, { ...limits, maxSteps: 3 })
    expect(step.status).toBe('active')
    const over = stepSession(survey, step.state, { type: 'reply', text: '30' }, 0, { ...limits, maxSteps: 3 })
    expect([over.status, over.failure, over.sends, over.after]).toEqual(['failed', 'it took more than 3 events (maxSteps)', [], 'age.waiting'])
  })

  it('translates every text, values included, into the language it is rendered in', () => {
    addTranslations('fr', {
      'You are %(name)s, %(age)s, %(sex)s%(pregnant)s, from %(village)s. Is this correct? Send YES or NO.': 'Vous êtes %(name)s, %(age)s ans, %(sex)s%(pregnant)s, de %(village)s. Est-ce exact ? Envoyez OUI ou NON.',
      female: 'femme',
      ', pregnant': ', enceinte',
      'Reminder: %(question)s': 'Rappel : %(question)s',
    })
    const { last } = converse(['Ann', '30', 'F', 'yes', 'Kisumu'])
    expect(render(last.sends[0]!, 'fr')).toBe('Vous êtes Ann, 30 ans, femme, enceinte, de Kisumu. Est-ce exact ? Envoyez OUI ou NON.')
    const reminded = stepSession(survey, last.state, last.state.timers.find((t) => t.id !== 'dialogue.expire')!.event, 0, limits)
    expect(render(reminded.sends[0]!, 'fr')).toBe('Rappel : Vous êtes Ann, 30 ans, femme, enceinte, de Kisumu. Est-ce exact ? Envoyez OUI ou NON.')
  })

  it('an ask without a reminder and without an invalid text asks again', () => {
    const short = defineDialogue({
      name: 'short',
      machine: setup({}).createMachine({
        initial: 'n',
        states: { n: ask({ question: 'How many?', answer: integer(1, 9), store: 'n', next: 'done' }), done: { type: 'final', entry: say('Got %(n)s.', ({ context }) => context) } },
      }),
    })
    const begun = beginSession(short, undefined, 0, limits)
    expect(begun.state.timers.map((t) => t.id)).toEqual(['dialogue.expire'])
    const again = stepSession(short, begun.state, { type: 'reply', text: 'ten' }, 0, limits)
    expect(again.sends.map((s) => render(s, 'en'))).toEqual(['How many?'])
    expect(stepSession(short, again.state, { type: 'reply', text: '7' }, 0, limits).sends.map((s) => render(s, 'en'))).toEqual(['Got 7.'])
    expect(text().read('   ')).toBeUndefined()
  })

  it('steps each session on its own: a step that throws, or that leaves a child actor with a system id, changes nothing for the next', () => {
    const chart = defineDialogue({
      name: 'chart',
      machine: setup({ actors: { child: fromCallback(() => {}) } }).createMachine({
        initial: 'a',
        states: {
          a: {
            on: {
              reply: {
                guard: ({ event }) => {
                  if (event.text === 'boom') throw new Error('boom')
                  return event.text === 'spawn'
                },
                target: 'b',
              },
            },
          },
          b: { entry: [spawnChild('child', { id: 'one', systemId: 'the-child' }), say('In b.')] },
        },
      }),
    })
    const step = (text: string) => stepSession(chart, beginSession(chart, undefined, 0, limits).state, { type: 'reply', text }, 0, limits)
    const boom = step('boom')
    expect([boom.status, boom.failure]).toEqual(['failed', "the machine raised an error: Unable to evaluate guard in transition for event 'reply' in state node '(machine).a':\nboom"])
    for (let i = 0; i < 2; i++) {
      const spawned = step('spawn')
      expect([spawned.status, spawned.after, spawned.sends.map((s) => render(s, 'en')), Object.keys(spawned.state.snapshot.children as object)]).toEqual(['active', 'b', ['In b.'], ['one']])
    }
    expect(step('other').after).toBe('a')
  })
})

describe('quiet hours', () => {
  const quiet = { start: '21:00', end: '07:00', timeZone: 'Africa/Nairobi' } // UTC+3
  it('moves a time inside the window to its end, in the window\'s time zone', () => {
    expect(new Date(afterQuietHours(Date.parse('2026-12-01T19:30:00Z'), quiet)).toISOString()).toBe('2026-12-02T04:00:00.000Z')
    expect(new Date(afterQuietHours(Date.parse('2026-12-02T02:00:00Z'), quiet)).toISOString()).toBe('2026-12-02T04:00:00.000Z')
    expect(afterQuietHours(Date.parse('2026-12-01T17:59:00Z'), quiet)).toBe(Date.parse('2026-12-01T17:59:00Z'))
    expect(afterQuietHours(Date.parse('2026-12-02T04:00:00Z'), quiet)).toBe(Date.parse('2026-12-02T04:00:00Z'))
    expect(new Date(afterQuietHours(Date.parse('2026-12-01T13:30:00Z'), { start: '13:00', end: '14:00' })).toISOString()).toBe('2026-12-01T14:00:00.000Z')
  })

  it('across a change of UTC offset, the window ends at its local time', () => {
    // Europe/London moves from UTC+1 to UTC+0 on 2026-10-25 at 02:00 local.
    const london = { start: '22:00', end: '08:00', timeZone: 'Europe/London' }
    expect(new Date(afterQuietHours(Date.parse('2026-10-24T22:00:00Z'), london)).toISOString()).toBe('2026-10-25T08:00:00.000Z')
  })

  it('defers a reminder that would fall inside the window', () => {
    const start = Date.parse('2026-12-01T19:00:00Z') // 22:00 in Nairobi
    const begun = beginSession(survey, undefined, start - 24 * HOUR + HOUR, { ...limits, quietHours: quiet })
    expect(new Date(begun.state.timers[0]!.at).toISOString()).toBe('2026-12-02T04:00:00.000Z')
  })
})
