import { describe, it } from 'vitest'
import demo from '../../config/demo.config.js'
import { useRapidTest } from '../../src/testing/index.js'

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
    `)
  })
})
