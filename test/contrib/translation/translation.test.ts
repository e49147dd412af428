import { describe, expect, it } from 'vitest'
import { EchoHandler } from '../../../src/contrib/echo/index.js'
import { LanguageHandler, RegisterHandler } from '../../../src/contrib/registration/index.js'
import {
  addTranslations,
  FormatError,
  groupConnections,
  pythonFormat,
  translate,
  translator,
} from '../../../src/contrib/translation/index.js'
import { AppBase, Connection, DefaultApp, HandlersApp, KeywordHandler, linkContact, send, type IncomingMessage } from '../../../src/index.js'
import { useRapidTest } from '../../../src/testing/index.js'

addTranslations('es', { hello: 'hola' })
addTranslations('fr', { hello: 'bonjour' })

/** The translation app of RapidSMS's own tests: "lang-hello" answered in the contact's language. */
class TranslationApp extends AppBase {
  override handle(msg: IncomingMessage) {
    if (msg.text !== 'lang-hello') return false
    const _ = translator(msg)
    msg.respond(_('hello'))
    return true
  }
}

class CountHandler extends KeywordHandler {
  static override keyword = 'count'
  help() {}
  handle(text: string) {
    this.respond(`${this.int(text)}`)
  }
}

const rapid = useRapidTest({
  settings: { replyInContactLanguage: true },
  // Before the handlers app: "lang-hello" would otherwise be LANG + "-hello" (no word boundary).
  apps: [TranslationApp, HandlersApp, DefaultApp],
  handlers: [EchoHandler, RegisterHandler, LanguageHandler, CountHandler],
})

async function contactIn(identity: string, language: string): Promise<Connection> {
  const [connection] = await rapid.lookupConnections([identity])
  await linkContact(rapid.em(), connection!, await rapid.createContact({ language }))
  return connection!
}

async function replyTo(connection: Connection, text: string): Promise<string[]> {
  const before = rapid.sentMessages.length
  await rapid.receive(text, connection)
  return rapid.sentMessages.slice(before).map((m) => m.text)
}

describe('a French contact', () => {
  it('gets the default response in French (RapidSMS ships it)', async () => {
    const fr = await contactIn('1000000001', 'fr')
    expect(await replyTo(fr, 'what?')).toEqual(["Désolé, votre message pour RapidSMS n'a pas été reconnu."])
  })

  it("gets the contrib handlers' replies in French; echoed text stays as sent", async () => {
    const fr = await contactIn('1000000001', 'fr')
    expect(await replyTo(fr, 'echo')).toEqual(['Pour faire répéter un texte, envoyez : ECHO <TEXTE>'])
    expect(await replyTo(fr, 'echo hello')).toEqual(['hello'])
    expect(await replyTo(fr, 'lang')).toEqual(['Pour choisir votre langue, envoyez LANGUAGE <CODE>'])
    expect(await replyTo(fr, 'lang klingon')).toEqual(['Désolé, je ne parle pas « klingon ».'])
    expect(await replyTo(fr, 'count abc')).toEqual(['Nombre non valide : abc'])
    expect(await replyTo(fr, 'lang-hello')).toEqual(['bonjour'])
  })

  it('is answered in the language it had when the message came, then in the new one', async () => {
    const fr = await contactIn('1000000001', 'fr')
    expect(await replyTo(fr, 'lang english')).toEqual(['Je vous parlerai en anglais.'])
    expect(await replyTo(fr, 'echo')).toEqual(['To echo some text, send: ECHO <ANYTHING>'])
  })

  it('a regional code falls back to its language; unknown languages to English', async () => {
    expect(await replyTo(await contactIn('1', 'fr-ca'), 'what?')).toEqual(["Désolé, votre message pour RapidSMS n'a pas été reconnu."])
    expect(await replyTo(await contactIn('2', 'de'), 'what?')).toEqual(['Sorry, RapidSMS could not understand your message.'])
    expect(await replyTo(await contactIn('3', ''), 'what?')).toEqual(['Sorry, RapidSMS could not understand your message.'])
  })

  it('arabic and swahili have the default response too', async () => {
    expect(await replyTo(await contactIn('1', 'sw'), 'what?')).toEqual(['Samahani, RapidSMS haikuweza kuelewa ujumbe wako.'])
    expect(await replyTo(await contactIn('2', 'ar'), 'what?')).toEqual(['عذرًا، لم يتمكن RapidSMS من فهم رسالتك.'])
  })
})

describe('responses follow each contact (RapidSMS translation tests)', () => {
  it('English and Spanish contacts get hello and hola', async () => {
    await rapid.receive('lang-hello', await contactIn('1000000000', 'en'))
    await rapid.receive('lang-hello', await contactIn('1000000001', 'es'))
    expect(rapid.outbound.map((m) => m.text)).toEqual(['hello', 'hola'])
  })

  it('a contact who sets French by SMS is then answered in French', async () => {
    await rapid.runScript(`
      5551234 > join Amélie
      5551234 < Thank you for registering, Amélie!
      5551234 > lang fr
      5551234 < I will speak to you in French.
      5551234 > what?
      5551234 < Désolé, votre message pour RapidSMS n'a pas été reconnu.
      5551234 > join Amélie Poulain
      5551234 < Merci de votre inscription, Amélie Poulain !
      5551234 > echo
      5551234 < To echo some text, send: ECHO <ANYTHING>
    `, { strict: true })
  })
})

describe('groupConnections', () => {
  it('groups connections by contact language, in order of first appearance', async () => {
    const connections = [
      await contactIn('1000000000', 'en'),
      await contactIn('1000000001', 'es'),
      await contactIn('1000000002', 'en'),
      await contactIn('1000000003', ''),
      await contactIn('1000000004', 'fr'),
      (await rapid.lookupConnections(['1000000005']))[0]!,
    ]
    const grouped = groupConnections(connections)
    expect(grouped.map(([language, conns]) => [language, conns.map((c) => c.identity)])).toEqual([
      ['en', ['1000000000', '1000000002']],
      ['es', ['1000000001']],
      ['', ['1000000003', '1000000005']],
      ['fr', ['1000000004']],
    ])
  })

  it('sends one message per language (the broadcast example of docs 11.3.2)', async () => {
    for (const [i, language] of ['en', 'en', 'en', 'es', 'es'].entries()) await contactIn(`100000000${i}`, language)
    const all = await rapid.em().find(Connection, {}, { populate: ['contact', 'backend'] })
    for (const [language, connections] of groupConnections(all)) await send(translate(language, 'hello'), connections)
    expect(rapid.outbound.map((m) => [m.text, m.connections.length])).toEqual([
      ['hello', 3],
      ['hola', 2],
    ])
  })
})

describe('translate and pythonFormat', () => {
  it('returns the English msgid when there is no translation', () => {
    expect(translate('fr', 'no such text')).toBe('no such text')
    expect(translate('FR', 'hello')).toBe('bonjour')
    expect(translate(undefined, 'hello')).toBe('hello')
    expect(translate('fr', '')).toBe('')
  })

  it('never reads the text as an i18next template', () => {
    expect(translate('fr', 'a {{b}} $t(hello) c')).toBe('a {{b}} $t(hello) c')
    expect(translate('en', 'Thank you for registering, %(name)s!', { name: '{{x}} %(name)s $t(hello)' })).toBe(
      'Thank you for registering, {{x}} %(name)s $t(hello)!',
    )
  })

  it('formats like Python %', () => {
    expect(pythonFormat('%(a)s|%(a)5s|%(a)-5s|%(n)05d|%(n)d%%', { a: 'ab', n: -3 })).toBe('ab|   ab|ab   |-0003|-3%')
    expect(() => pythonFormat('100% sure', {})).toThrow(FormatError)
    expect(() => pythonFormat('hi %', {})).toThrow(FormatError)
    expect(() => pythonFormat('%(missing)s', {})).toThrow(/needs a value named "missing"/)
  })

  it('repr, ascii and the numeric conversions are Python\'s too', () => {
    expect(pythonFormat('%(p)r %(q)r %(p)a', { p: 'café', q: "It's" })).toBe(`'café' "It's" 'caf\\xe9'`)
    expect(pythonFormat('%(p)r', { p: 'a\nb\\' })).toBe("'a\\nb\\\\'")
    expect(pythonFormat('%(n)x %(n)X %(n)o %(c)c %(s)c %(f).2f', { n: 255, c: 65, s: 'Z', f: 3.14159 })).toBe('ff FF 377 A Z 3.14')
    // Python refuses text for numeric conversions ("%d format: a real number is required, not str").
    expect(() => pythonFormat('%(p)d', { p: '42' })).toThrow(FormatError)
    expect(() => pythonFormat('%(p)x', { p: 'Clinic' })).toThrow(FormatError)
    expect(() => pythonFormat('%(p)c', { p: 'ab' })).toThrow(FormatError)
  })

  it('a name only the prototype of the values has is missing, as a dict has no such key', () => {
    expect(() => pythonFormat('%(toString)s %(constructor)s', { project_name: 'x' })).toThrow(/needs a value named "toString"/)
  })

  it('absurd widths and %f precisions are a FormatError, not a RangeError from deep inside', () => {
    expect(() => pythonFormat('%(p)999999999s', { p: 'x' })).toThrow(FormatError)
    expect(() => pythonFormat('%(f).101f', { f: 1 })).toThrow(/precision too big for %f/)
    expect(pythonFormat('%(f).100f', { f: 1 })).toBe(`1.${'0'.repeat(100)}`)
    expect(pythonFormat('%(p).101s', { p: 'abc' })).toBe('abc')
  })
})
