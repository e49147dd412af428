import { describe, expect, it } from 'vitest'
import { LanguageHandler, RegisterHandler, RegistrationApp } from '../../src/contrib/registration/index.js'
import { Connection, Contact, HandlersApp, MessageLogApp } from '../../src/index.js'
import { Message } from '../../src/contrib/messagelog/index.js'
import { useRapidTest } from '../../src/testing/index.js'

/**
 * A conversation keeps its connection row between messages; a change made through the ORM
 * elsewhere (an admin page, another app) must reach its next message, as RapidSMS reads the
 * connection and its contact afresh for every message.
 */
const rapid = useRapidTest({ apps: [MessageLogApp, HandlersApp, RegistrationApp], handlers: [RegisterHandler, LanguageHandler] })

const row = (identity: string) => rapid.em().findOneOrFail(Connection, { identity, backend: { name: 'mockbackend' } }, { populate: ['contact'] })

/** 8005551212 registers as Ann; her contact, loaded in a session of its own. */
async function registerAnn() {
  await rapid.runScript(`
    8005551212 > join Ann
    8005551212 < Thank you for registering, Ann!
  `, { strict: true })
  const em = rapid.em()
  return { em, ann: await em.findOneOrFail(Contact, { name: 'Ann' }) }
}

describe("a conversation's connection changed elsewhere", () => {
  it('a contact linked in another session is the sender on the next message', async () => {
    await rapid.runScript(`
      8005551212 > lang fr
      8005551212 < You must JOIN or REGISTER yourself before you can set your language preference.
    `, { strict: true })
    const em = rapid.em()
    const connection = await em.findOneOrFail(Connection, { identity: '8005551212' })
    connection.contact = em.create(Contact, { name: 'Ann' })
    await em.flush()
    await rapid.runScript(`
      8005551212 > lang fr
      8005551212 < I will speak to you in French.
    `, { strict: true })
    expect((await row('8005551212')).contact).toMatchObject({ name: 'Ann', language: 'fr' })
  })

  it('a contact deleted in another session is gone from the next message, and its log rows have no contact', async () => {
    const { em, ann } = await registerAnn()
    em.remove(ann)
    await em.flush()
    await rapid.runScript(`
      8005551212 > lang fr
      8005551212 < You must JOIN or REGISTER yourself before you can set your language preference.
    `, { strict: true })
    const last = await rapid.em().find(Message, { text: 'lang fr' })
    expect(last.map((m) => m.contact)).toEqual([null])
  })

  it("a contact's language changed in another session is what the next message sees", async () => {
    const { em, ann } = await registerAnn()
    ann.language = 'de'
    await em.flush()
    const [connection] = await rapid.lookupConnections(['8005551212'])
    expect(connection!.contact?.language).toBe('de')
    const msg = await rapid.receive('hello', connection!)
    expect(msg.contact?.language).toBe('de')
  })
})
