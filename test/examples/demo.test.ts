import { describe, expect, it } from 'vitest'
import demo from '../../config/demo.config.js'
import { SurveyResponse } from '../../examples/dialogues/models.js'
import { Message } from '../../src/contrib/messagelog/index.js'
import { BackendMessage } from '../../src/index.js'
import { useRapidTest } from '../../src/testing/index.js'
import { createEdge } from '../../src/web/index.js'

describe('the demo project (npm start)', () => {
  const rapid = useRapidTest({ settings: demo, mockProjectBackends: true })

  it('answers with its own app and the contrib apps', async () => {
    await rapid.runScript(`
      1112223333 > hello
      1112223333 < world
      1112223333 > ping
      1112223333 < pong
      1112223333 > echo hi there
      1112223333 < hi there
      1112223333 > join Ann
      1112223333 < Thank you for registering, Ann!
      1112223333 > lang fr
      1112223333 < I will speak to you in French.
      1112223333 > what?
      1112223333 < Désolé, votre message pour RapidSMS demo n'a pas été reconnu.
    `, { strict: true })
  })

  it('runs the health survey dialogue', async () => {
    await rapid.runScript(`
      1112223334 > survey
      1112223334 < Welcome to the health survey. What is your name?
      1112223334 > Bo
      1112223334 < Thanks, Bo. How old are you?
      1112223334 > STOP
      1112223334 < You have left the survey. Send SURVEY to start again.
      1112223334 > ping
      1112223334 < pong
    `, { strict: true })
  })
})

describe("the demo project's survey", () => {
  const rapid = useRapidTest({ settings: demo, mockProjectBackends: true })

  it('asks again for a name or a village longer than the 100 characters they are saved in, and saves one that fits, on every database', async () => {
    const long = 'N'.repeat(101)
    const name = 'é'.repeat(100)
    await rapid.runScript(`
      1112223333 > survey
      1112223333 < Welcome to the health survey. What is your name?
      1112223333 > ${long}
      1112223333 < Please send your name, in at most 100 characters.
      1112223333 > ${name}
      1112223333 < Thanks, ${name}. How old are you?
      1112223333 > 30
      1112223333 < Are you male or female? Send M or F.
      1112223333 > M
      1112223333 < Which village do you live in?
      1112223333 > ${'V'.repeat(101)}
      1112223333 < Please send the name of your village, in at most 100 characters.
      1112223333 > Kisumu
      1112223333 < You are ${name}, 30, male, from Kisumu. Is this correct? Send YES or NO.
      1112223333 > yes
      1112223333 < Thank you, ${name}. Your answers are saved.
    `, { strict: true })
    expect((await rapid.em().find(SurveyResponse, {})).map((r) => [r.name, r.village])).toEqual([[name, 'Kisumu']])
  })
})

describe('the demo project over HTTP', () => {
  const rapid = useRapidTest({ settings: demo, backends: demo.backends })

  it('takes a message at /backend/message_tester/ and stores the reply and the log rows', async () => {
    const { app } = createEdge(rapid.router)
    const response = await app.request('/backend/message_tester/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'identity=1112223333&text=echo hello',
    })
    expect([response.status, await response.text()]).toEqual([200, 'OK'])
    const em = rapid.em()
    expect((await em.find(BackendMessage, {})).map((r) => [r.name, r.identity, r.text])).toEqual([['message_tester', '1112223333', 'hello']])
    expect((await em.find(Message, {}, { orderBy: { direction: 'asc' } })).map((r) => [r.direction, r.text])).toEqual([
      ['I', 'echo hello'],
      ['O', 'hello'],
    ])
  })
})
