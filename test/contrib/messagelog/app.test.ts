import { describe, expect, it } from 'vitest'
import { INCOMING, Message, MessageLogApp, OUTGOING } from '../../../src/contrib/messagelog/index.js'
import { AppBase, Connection, DefaultApp, IncomingMessage, linkContact, type OutgoingMessage } from '../../../src/index.js'
import { useRapidTest } from '../../../src/testing/index.js'

/** Answers "twice" (upper-cased by Gate) with two replies. */
class Shouter extends AppBase {
  override handle(msg: IncomingMessage) {
    if (msg.text !== 'TWICE') return false
    msg.respond('one')
    msg.respond('two')
    return true
  }
}

/** Filters "spam"; upper-cases the text in parse, before messagelog; cancels outgoing "late secret", after messagelog logged it (outgoing runs in reverse). */
class Gate extends AppBase {
  override filter(msg: IncomingMessage) {
    return msg.text === 'spam'
  }
  override parse(msg: IncomingMessage) {
    msg.text = msg.text.toUpperCase()
  }
  override outgoing(msg: OutgoingMessage) {
    return msg.text !== 'late secret'
  }
}

/** Cancels outgoing "secret" before messagelog sees it. */
class Censor extends AppBase {
  override outgoing(msg: OutgoingMessage) {
    return msg.text !== 'secret'
  }
}

const rapid = useRapidTest({ apps: [Gate, MessageLogApp, Shouter, DefaultApp, Censor] })

/** The log, I rows first: concurrent group commits do not promise that ids follow message order. */
async function rows() {
  return rapid.em().find(Message, {}, { orderBy: { direction: 'asc', text: 'asc' }, populate: ['contact', 'connection'] })
}

async function connection(identity = '1112223333'): Promise<Connection> {
  const [found] = await rapid.lookupConnections([identity])
  return found!
}

describe('incoming messages (behaviour 50)', () => {
  it('one I row: the raw text even though an earlier app changed the text, first connection, its contact, now; attached as loggerMsg', async () => {
    const conn = await connection()
    const contact = await rapid.createContact({ name: 'Ann' })
    await linkContact(rapid.em(), conn, contact)
    const before = Date.now()
    const msg = await rapid.receive('twice', conn)
    const [logged, one, two] = await rows()
    expect(logged).toMatchObject({ direction: INCOMING, text: 'twice' })
    expect(logged!.connection!.id).toBe(conn.id)
    expect(logged!.contact!.id).toBe(contact.id)
    expect(logged!.date.getTime()).toBeGreaterThanOrEqual(before - 1000)
    expect(msg.loggerMsg).toMatchObject({ direction: 'I', text: 'twice', connection: conn.id, contact: contact.id })
    expect([one!.text, two!.text]).toEqual(['one', 'two'])
  })

  it('a connection without a contact is logged with no contact', async () => {
    await rapid.receive('hello', await connection())
    const [logged] = await rows()
    expect(logged!.contact).toBeNull()
    expect(logged!.connection).not.toBeNull()
  })
})

describe('outgoing messages (behaviour 51)', () => {
  it('one O row per outgoing message, for its first connection only', async () => {
    const [a, b, c] = await rapid.lookupConnections(['1', '2', '3'])
    const contact = await rapid.createContact({ name: 'Bea' })
    await linkContact(rapid.em(), b!, contact)
    const msg = await rapid.send('to all', [b!, a!, c!])
    const logged = await rows()
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatchObject({ direction: OUTGOING, text: 'to all' })
    expect(logged[0]!.connection!.id).toBe(b!.id)
    expect(logged[0]!.contact!.id).toBe(contact.id)
    expect(msg.loggerMsg).toMatchObject({ direction: 'O', text: 'to all' })
  })

  it('a message with no connections is an error, and nothing is logged', async () => {
    await rapid.send('nobody', [])
    expect(await rows()).toHaveLength(0)
    expect(() => rapid.router.getApp(MessageLogApp)!.log(OUTGOING, new IncomingMessage({ text: 'x' }))).toThrow(/no connection/)
  })
})

describe('one I row and one O row per reply (behaviour 53)', () => {
  it.each([
    ['hello', ['I:hello', 'O:Sorry, RapidSMS could not understand your message.']],
    ['twice', ['I:twice', 'O:one', 'O:two']],
    ['spam', []],
  ])('%j -> %j', async (text, expected) => {
    await rapid.receive(text, await connection())
    expect((await rows()).map((r) => `${r.direction}:${r.text}`)).toEqual(expected)
  })

  it('a message cancelled in the outgoing phase before messagelog sees it is not logged', async () => {
    await rapid.send('secret', await connection())
    expect(await rows()).toHaveLength(0)
  })

  it('an app installed before messagelog sees outgoing messages after it: its cancel comes too late for the log', async () => {
    await rapid.send('late secret', await connection())
    expect((await rows()).map((r) => r.text)).toEqual(['late secret'])
    expect(rapid.sentMessages).toHaveLength(0)
  })

  it('concurrent messages of many connections are all logged', async () => {
    const connections = await rapid.lookupConnections(Array.from({ length: 40 }, (_, i) => `+2547000000${i}`))
    await Promise.all(connections.map((c, i) => rapid.receive(`message ${i}`, c)))
    const logged = await rows()
    expect(logged.filter((r) => r.direction === 'I')).toHaveLength(40)
    expect(logged.filter((r) => r.direction === 'O')).toHaveLength(40)
  })
})
