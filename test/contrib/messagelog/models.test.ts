import { describe, expect, it } from 'vitest'
import { Message, messageLogRow } from '../../../src/contrib/messagelog/index.js'
import { linkContact, MessageLogApp, ValidationError } from '../../../src/index.js'
import { useRapidTest } from '../../../src/testing/index.js'
import { schemaWith, useScratchDatabase } from '../../support/database.js'

const rapid = useRapidTest({ apps: [MessageLogApp] })

async function fixture() {
  const contact = await rapid.createContact()
  const [connection] = await rapid.lookupConnections(['1112223333'])
  await linkContact(rapid.em(), connection!, contact)
  return { contact, connection: connection!, direction: 'I' as const, date: new Date(), text: 'hello' }
}

describe('message log rows (behaviour 52)', () => {
  it('need a contact or a connection', async () => {
    const { direction, text } = await fixture()
    expect(() => messageLogRow({ direction, text })).toThrow(ValidationError)
    expect(() => messageLogRow({ direction, text })).toThrow('A valid (not null) contact or connection (but not both) must be provided to save the object.')
  })

  it("take the connection's contact when given only a connection", async () => {
    const { contact, connection, direction, text } = await fixture()
    expect(messageLogRow({ connection, direction, text }).contact).toBe(contact.id)
    await rapid.em().insert(Message, messageLogRow({ connection, direction, text }))
    const [row] = await rapid.em().find(Message, {})
    expect(row!.contact!.id).toBe(contact.id)
    await linkContact(rapid.em(), connection, null)
    expect(messageLogRow({ connection, direction, text }).contact).toBeNull()
  })

  it('do not need a connection when given a contact', async () => {
    const { contact, direction, text } = await fixture()
    const row = messageLogRow({ contact, direction, text })
    expect(row).toMatchObject({ contact: contact.id, connection: null })
    await rapid.em().insert(Message, row)
    expect(await rapid.em().count(Message, { connection: null })).toBe(1)
  })

  it("refuse a contact that is not the connection's", async () => {
    const { connection, direction, text } = await fixture()
    const other = await rapid.createContact()
    expect(() => messageLogRow({ connection, contact: other, direction, text })).toThrow(
      'The connection and contact you tried to save did not match! You need to pick one or the other.',
    )
  })
})

describe('the messagelog migration', () => {
  const scratch = useScratchDatabase({ migrate: false, schema: schemaWith(MessageLogApp) })

  it('creates exactly the Message table on this database', async () => {
    await scratch.db.migrate()
    expect(await scratch.db.schemaDrift()).toBe('')
  })
})
