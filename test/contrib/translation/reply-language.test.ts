import { describe, expect, it } from 'vitest'
import { EchoHandler } from '../../../src/contrib/echo/index.js'
import { LanguageHandler, RegisterHandler } from '../../../src/contrib/registration/index.js'
import { addTranslations, translator } from '../../../src/contrib/translation/index.js'
import { AppBase, DefaultApp, HandlersApp, type IncomingMessage } from '../../../src/index.js'
import { useRapidTest } from '../../../src/testing/index.js'

addTranslations('fr', { 'good morning': 'bonjour' })

/** Translates on purpose, the way docs 11.3.1 shows. */
class Greeter extends AppBase {
  override handle(msg: IncomingMessage) {
    if (msg.text !== 'greet') return false
    msg.respond(translator(msg)('good morning'))
    return true
  }
}

describe('by default replies are in the project language, as in RapidSMS', () => {
  const rapid = useRapidTest({
    apps: [Greeter, HandlersApp, DefaultApp],
    handlers: [EchoHandler, RegisterHandler, LanguageHandler],
  })

  it('a contact that chose French still gets the contrib replies in English; explicit translation is French', async () => {
    await rapid.runScript(`
      5551234 > join Amélie
      5551234 < Thank you for registering, Amélie!
      5551234 > lang fr
      5551234 < I will speak to you in French.
      5551234 > what?
      5551234 < Sorry, RapidSMS could not understand your message.
      5551234 > echo
      5551234 < To echo some text, send: ECHO <ANYTHING>
      5551234 > lang klingon
      5551234 < Sorry, I don't speak "klingon".
      5551234 > greet
      5551234 < bonjour
    `, { strict: true })
  })
})

describe('languageCode sets the language of the project', () => {
  const rapid = useRapidTest({ settings: { languageCode: 'fr' }, apps: [HandlersApp, DefaultApp], handlers: [EchoHandler] })

  it('answers everyone in French', async () => {
    await rapid.runScript(`
      1 > what?
      1 < Désolé, votre message pour RapidSMS n'a pas été reconnu.
      1 > echo
      1 < Pour faire répéter un texte, envoyez : ECHO <TEXTE>
    `, { strict: true })
  })
})
