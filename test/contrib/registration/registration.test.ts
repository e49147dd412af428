import { describe, expect, it } from 'vitest'
import { LANGUAGES, LanguageHandler, RegisterHandler, RegistrationApp } from '../../../src/contrib/registration/index.js'
import { Connection, Contact, defineConfig, ErrorMessage, HandlersApp } from '../../../src/index.js'
import { useRapidTest } from '../../../src/testing/index.js'

const rapid = useRapidTest({ apps: [HandlersApp, RegistrationApp], handlers: [RegisterHandler, LanguageHandler] })

async function contactOf(identity: string): Promise<Contact | null> {
  const connection = await rapid.em().findOne(Connection, { identity, backend: { name: 'mockbackend' } }, { populate: ['contact'] })
  return connection?.contact ?? null
}

describe('REGISTER (behaviours 44-45)', () => {
  it.each([
    ['register as someuser', 'as someuser'],
    ['join Adam Mckaig', 'Adam Mckaig'],
    ['REG Ann', 'Ann'],
    ['register Ann  ', 'Ann  '],
    ['registration', 'istration'],
  ])('%j creates a contact named %j, linked to the sender', async (text, name) => {
    await rapid.runScript(`
      8005551212 > ${JSON.stringify(text)}
      8005551212 < ${JSON.stringify(`Thank you for registering, ${name}!`)}
    `, { strict: true })
    expect((await contactOf('8005551212'))?.name).toBe(name)
    expect(await rapid.em().count(Contact, { name })).toBe(1)
  })

  it('a name longer than the contact column holds is refused with an error reply, on every database, and no contact is made', async () => {
    const name = 'é'.repeat(101)
    await rapid.runScript(`
      8005551212 > join ${name}
      8005551212 < Sorry, a name can have at most 100 characters.
    `, { strict: true })
    expect(rapid.outbound.at(-1)).toBeInstanceOf(ErrorMessage)
    expect(await rapid.em().count(Contact, {})).toBe(0)
    expect(rapid.router.stats().appErrors).toBe(0)
    await rapid.runScript(`
      8005551212 > join ${'é'.repeat(100)}
      8005551212 < Thank you for registering, ${'é'.repeat(100)}!
    `, { strict: true })
  })

  it.each(['register', 'reg', 'join', 'JOIN  '])('%j alone gets the help text', async (text) => {
    expect(await RegisterHandler.test(text)).toEqual(['To register, send JOIN <NAME>'])
  })

  it('re-registering makes a new contact and replaces the link; names need not be unique', async () => {
    await rapid.runScript(`
      8005551212 > join Ann
      8005551212 < Thank you for registering, Ann!
      8005551212 > join Ann
      8005551212 < Thank you for registering, Ann!
    `, { strict: true })
    const contacts = await rapid.em().find(Contact, { name: 'Ann' }, { orderBy: { id: 'asc' } })
    expect(contacts).toHaveLength(2)
    expect((await contactOf('8005551212'))?.id).toBe(contacts[1]!.id)
  })
})

describe('LANGUAGE (behaviours 46-48)', () => {
  it.each(['lang', 'language', 'LANG ,'])('%j alone gets the help text', async (text) => {
    expect(await LanguageHandler.test(text)).toEqual(['To set your language, send LANGUAGE <CODE>'])
  })

  it('an unregistered sender must register first (an error reply)', async () => {
    await rapid.runScript(`
      8005551212 > lang english
      8005551212 < You must JOIN or REGISTER yourself before you can set your language preference.
    `, { strict: true })
    expect(rapid.outbound[0]).toBeInstanceOf(ErrorMessage)
  })

  it.each([
    ['lang english', 'en', 'English'],
    ['lang EN', 'en', 'English'],
    ['lang fr', 'fr', 'French'],
    ['language French', 'fr', 'French'],
    ['lang en-GB', 'en-gb', 'British English'],
    ['lang british english', 'en-gb', 'British English'],
    ['lang sw', 'sw', 'Swahili'],
    ['languages', null, null],
  ])('%j sets the language %j', async (text, code, name) => {
    await rapid.runScript(`
      8005551212 > register as someuser
      8005551212 < Thank you for registering, as someuser!
      8005551212 > ${text}
      8005551212 < ${name ? `I will speak to you in ${name}.` : 'Sorry, I don\'t speak "s".'}
    `, { strict: true })
    expect((await contactOf('8005551212'))?.language).toBe(code ?? '')
  })

  it('an unknown language is an error reply quoting the text as sent, untrimmed', async () => {
    await rapid.runScript(`
      8005551212 > join someuser
      8005551212 < Thank you for registering, someuser!
      8005551212 > lang klingon
      8005551212 < Sorry, I don't speak "klingon".
      8005551212 > "lang english "
      8005551212 < Sorry, I don't speak "english ".
    `, { strict: true })
    expect(rapid.outbound.slice(1).every((m) => m instanceof ErrorMessage)).toBe(true)
    expect((await contactOf('8005551212'))?.language).toBe('')
  })
})

describe('registration belongs to the connection (behaviour 49)', () => {
  it('another identity is still unregistered', async () => {
    await rapid.runScript(`
      8005551212 > join Ann
      8005551212 < Thank you for registering, Ann!
      8005551213 > lang fr
      8005551213 < You must JOIN or REGISTER yourself before you can set your language preference.
      8005551212 > lang fr
      8005551212 < I will speak to you in French.
    `, { strict: true })
    expect(await contactOf('8005551213')).toBeNull()
  })
})

describe('the languages setting', () => {
  it("defaults to Django's LANGUAGES, English first", () => {
    const settings = defineConfig({ apps: [RegistrationApp] })
    expect(settings.languages).toEqual(LANGUAGES)
    expect(LANGUAGES.slice(0, 4)).toEqual([
      ['en', 'English'],
      ['en-gb', 'British English'],
      ['fr', 'French'],
      ['es', 'Spanish'],
    ])
    expect(LANGUAGES).toContainEqual(['pt-br', 'Brazilian Portuguese'])
  })

  it('is validated', () => {
    expect(() => defineConfig({ apps: [RegistrationApp], languages: [['en']] })).toThrow(/Invalid setting "languages.0/)
  })
})

describe('a project that narrows the languages', () => {
  const narrow = useRapidTest({
    settings: { languages: [['pt-br', 'Brazilian Portuguese'], ['de', 'German']] },
    apps: [HandlersApp, RegistrationApp],
    handlers: [RegisterHandler, LanguageHandler],
  })

  it('accepts only those', async () => {
    await narrow.runScript(`
      1 > join Ann
      1 < Thank you for registering, Ann!
      1 > lang fr
      1 < Sorry, I don't speak "fr".
      1 > lang PT-BR
      1 < I will speak to you in Brazilian Portuguese.
    `, { strict: true })
  })
})
