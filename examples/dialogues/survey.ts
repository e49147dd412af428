import { nameContact, type Connection } from 'rapidsms'
import { ask, choice, defineDialogue, EXPIRED, integer, say, STOPPED, text, yesNo } from 'rapidsms/contrib/dialogues'
import { setup } from 'xstate'
import { SurveyResponse } from './models.js'

/** The answers so far. */
interface Answers {
  name?: string
  age?: number
  sex?: 'M' | 'F'
  pregnant?: boolean
  village?: string
}

const sex = choice({ M: 'M', MALE: 'M', F: 'F', FEMALE: 'F' } as const)
const remind = '24h'
// Names and villages are saved in 100-character columns (a contact's name, SurveyResponse).
const longName = 'Please send your name, in at most 100 characters.'
const summary = ({ name, age, sex, pregnant, village }: Answers) => ({
  text: 'You are %(name)s, %(age)s, %(sex)s%(pregnant)s, from %(village)s. Is this correct? Send YES or NO.',
  values: { name, age, village, sex: { text: sex === 'F' ? 'female' : 'male' }, pregnant: pregnant === undefined ? '' : { text: pregnant ? ', pregnant' : ', not pregnant' } },
})

/** The reference dialogue: a health survey of five questions and a confirmation. */
export const survey = defineDialogue({
  name: 'survey',
  trigger: 'survey',
  expireAfter: '72h',
  machine: setup({ types: { context: {} as Answers } }).createMachine({
    id: 'survey',
    context: {},
    initial: 'name',
    on: {
      [STOPPED]: { actions: say('You have left the survey. Send SURVEY to start again.') },
      [EXPIRED]: { actions: say('This survey has expired. Send SURVEY to start again.') },
    },
    states: {
      name: ask({ question: 'Welcome to the health survey. What is your name?', answer: text({ maxLength: 100 }), invalid: longName, store: 'name', next: 'age', remind }),
      again: ask({ question: "Let's start again. What is your name?", answer: text({ maxLength: 100 }), invalid: longName, store: 'name', next: 'age', remind }),
      age: ask({ question: (c) => ({ text: 'Thanks, %(name)s. How old are you?', values: { name: c.name } }), answer: integer(0, 120, { valid: ['30', '70'] }), invalid: 'Please send your age as a number from 0 to 120.', store: 'age', next: 'sex', remind }),
      sex: ask<Answers, 'M' | 'F'>({
        question: 'Are you male or female? Send M or F.', answer: sex, invalid: 'Please send M or F.', store: (sex) => ({ sex, pregnant: undefined }), remind,
        next: [{ when: (sex, c) => sex === 'F' && c.age! >= 15 && c.age! <= 49, target: 'pregnant' }, { target: 'village' }],
      }),
      pregnant: ask({ question: 'Are you pregnant? Send YES or NO.', answer: yesNo, invalid: 'Please send YES or NO.', store: 'pregnant', next: 'village', remind }),
      village: ask({ question: 'Which village do you live in?', answer: text({ valid: ['Kisumu'], maxLength: 100 }), invalid: 'Please send the name of your village, in at most 100 characters.', store: 'village', next: 'confirm', remind }),
      confirm: ask<Answers, boolean>({ question: summary, answer: yesNo, invalid: 'Please send YES or NO.', next: [{ when: (yes) => yes, target: 'saved' }, { target: 'again' }], remind }),
      saved: { type: 'final', entry: say('Thank you, %(name)s. Your answers are saved.', ({ context }) => ({ name: context.name })) },
    },
  }),
  async onDone({ context: { name, age, sex, pregnant, village }, em, connection, sessionId }) {
    const contact = await nameContact(em, connection as Connection, name!)
    em.create(SurveyResponse, { session: sessionId, connection: connection.id, contact, name: name!, age: age!, sex: sex!, pregnant: pregnant ?? null, village: village! })
  },
})
