import { describe, expect, it } from 'vitest'
import {
  AppBase,
  Backend,
  BackendMessage,
  Connection,
  DatabaseBackend,
  IncomingMessage,
  OutgoingMessage,
  getRouter,
  lookupConnections,
  receive,
  send,
} from '../../src/index.js'
import { useRapidTest } from '../../src/testing/vitest.js'
import { Message, MessageLogApp } from '../../src/contrib/messagelog/index.js'

class Echoes extends AppBase {
  override handle(msg: IncomingMessage) {
    msg.respond(`you said ${msg.text}`)
    return true
  }
}

describe('the messaging API (section A)', () => {
  const rapid = useRapidTest({ apps: [Echoes], backends: { db: { engine: DatabaseBackend } } })

  it('receive() builds an incoming message from the connection, text and fields, processes it and returns it (1)', async () => {
    const [connection] = await lookupConnections('mockbackend', ['1112223333'])
    const msg = await receive('hello', connection!, { extra: 'kept', external_id: 'x1' })
    expect(msg).toBeInstanceOf(IncomingMessage)
    expect(msg.connections).toEqual([connection])
    expect(msg.text).toBe('hello')
    expect(msg.fields).toEqual({ extra: 'kept', external_id: 'x1' })
    expect(msg.handled).toBe(true)
    expect(rapid.sentMessages.map((m) => m.text)).toEqual(['you said hello'])
  })

  it('fields default to {} (1)', async () => {
    const [connection] = await lookupConnections('mockbackend', ['1'])
    expect((await receive('x', connection!)).fields).toEqual({})
  })

  it('every message gets a fresh id of 32 lowercase hex characters (2)', async () => {
    const [connection] = await lookupConnections('mockbackend', ['1'])
    const a = await receive('a', connection!)
    const b = await receive('b', connection!)
    expect(a.id).toMatch(/^[0-9a-f]{32}$/)
    expect(b.id).toMatch(/^[0-9a-f]{32}$/)
    expect(a.id).not.toBe(b.id)
    expect(rapid.outbound[0]!.id).toMatch(/^[0-9a-f]{32}$/)
    expect(rapid.outbound[0]!.id).not.toBe(a.id)
  })

  it('a new incoming message starts unhandled, unprocessed, without responses, raw text = text (3)', () => {
    const msg = new IncomingMessage({ text: 'Hi There', connections: [] })
    expect([msg.handled, msg.processed, msg.responses, msg.rawText]).toEqual([false, false, [], 'Hi There'])
  })

  it('send() takes one connection or a list and sends one message to all (6)', async () => {
    const [one] = await lookupConnections('mockbackend', ['1'])
    const single = await send('to one', one!)
    expect(single).toBeInstanceOf(OutgoingMessage)
    expect(single.connections).toEqual([one])
    const many = await lookupConnections('mockbackend', ['1', '2', '3'])
    const multi = await send('to many', many)
    expect(multi.connections).toEqual(many)
    expect(rapid.outbound).toEqual([single, multi])
    expect(rapid.sentMessages.map((m) => [m.text, m.identities])).toEqual([
      ['to one', ['1']],
      ['to many', ['1', '2', '3']],
    ])
  })

  it('lookupConnections() creates the backend and missing connections; one per identity (7)', async () => {
    const em = rapid.em()
    expect(await em.count(Backend, { name: 'fresh' })).toBe(0)
    const connections = await lookupConnections('fresh', ['a', 'b'])
    expect(connections.map((c) => [c.backend.name, c.identity])).toEqual([
      ['fresh', 'a'],
      ['fresh', 'b'],
    ])
    expect(await em.count(Backend, { name: 'fresh' })).toBe(1)
    expect(await em.count(Connection, { backend: { name: 'fresh' } })).toBe(2)
    const again = await lookupConnections('fresh', ['b', 'a', 'c'])
    expect(again.map((c) => c.id)).toEqual([connections[1]!.id, connections[0]!.id, expect.any(Number)])
    expect(await em.count(Connection, {})).toBe(3)
  })

  it('the same identity under two backend names is two connections (7)', async () => {
    const [a] = await lookupConnections('one', ['555'])
    const [b] = await lookupConnections('two', ['555'])
    expect(a!.id).not.toBe(b!.id)
  })

  it('an identity over 100 characters or a backend name over 20 is refused by PostgreSQL and kept by SQLite (9)', async () => {
    const longIdentity = () => lookupConnections('mockbackend', ['1'.repeat(101)])
    const longBackend = () => lookupConnections('b'.repeat(21), ['1'])
    if (process.env.RAPIDSMS_TEST_DATABASE_URL) {
      await expect(longIdentity()).rejects.toThrow(/too long/)
      await expect(longBackend()).rejects.toThrow(/too long/)
    } else {
      expect((await longIdentity())[0]!.identity).toHaveLength(101)
      expect((await longBackend())[0]!.identity).toBe('1')
    }
    expect(await lookupConnections('mockbackend', ['1'.repeat(100)])).toHaveLength(1)
  })

  it('no identities still creates the backend record (7)', async () => {
    expect(await lookupConnections('emptyb', [])).toEqual([])
    expect(await rapid.em().count(Backend, { name: 'emptyb' })).toBe(1)
  })

  it('concurrent lookups of a new identity agree on one connection', async () => {
    const found = await Promise.all(Array.from({ length: 20 }, () => lookupConnections('race', ['42'])))
    expect(new Set(found.map(([c]) => c!.id)).size).toBe(1)
    expect(await rapid.em().count(Connection, { identity: '42' })).toBe(1)
  })

  it('the backend context of a reply has in_response_to, and external_id when the message had one (8)', async () => {
    const [connection] = await lookupConnections('mockbackend', ['1'])
    const plain = await receive('a', connection!)
    const external = await receive('b', connection!, { external_id: 'ABC' })
    expect(rapid.sentMessages.map((m) => m.context)).toEqual([{ in_response_to: plain.id }, { in_response_to: external.id, external_id: 'ABC' }])
  })

  it('external_id is passed on whenever the fields have the key, even empty or null (8)', async () => {
    const [connection] = await lookupConnections('mockbackend', ['1'])
    const empty = await receive('a', connection!, { external_id: '' })
    const none = await receive('b', connection!, { external_id: null })
    expect(rapid.sentMessages.map((m) => m.context)).toEqual([
      { in_response_to: empty.id, external_id: '' },
      { in_response_to: none.id, external_id: null },
    ])
  })

  it('the database backend stores a null external_id as empty (54)', async () => {
    const [sender] = await lookupConnections('db', ['1112223333'])
    await receive('ping', sender!, { external_id: null })
    const rows = await rapid.em().find(BackendMessage, {})
    expect(rows.map((r) => [r.text, r.externalId])).toEqual([['you said ping', '']])
  })

  it('a message that is not a reply has an empty context (8)', async () => {
    await send('news', await lookupConnections('mockbackend', ['1']))
    expect(rapid.sentMessages[0]!.context).toEqual({})
  })

  it('OutgoingMessage.send() sends through the router', async () => {
    const msg = new OutgoingMessage({ text: 'direct', connections: await lookupConnections('mockbackend', ['7']) })
    await msg.send()
    expect(rapid.sentMessages.map((m) => [m.text, m.identities])).toEqual([['direct', ['7']]])
    expect(getRouter()).toBe(rapid.router)
  })

  it('the database backend stores one row per identity with the outgoing id and external id (54, 55)', async () => {
    const [sender] = await lookupConnections('db', ['1112223333'])
    const incoming = await receive('ping', sender!, { external_id: 'EXT-9' })
    const outgoing = rapid.outbound[0]!
    const rows = await rapid.em().find(BackendMessage, {})
    expect(rows.map((r) => [r.name, r.direction, r.identity, r.text, r.messageId, r.externalId])).toEqual([
      ['db', 'O', '1112223333', 'you said ping', outgoing.id, 'EXT-9'],
    ])
    expect(outgoing.id).not.toBe(incoming.id)
    expect(rows[0]!.date).toBeInstanceOf(Date)
    await send('broadcast', await lookupConnections('db', ['1', '2']))
    const broadcast = await rapid.em().find(BackendMessage, { text: 'broadcast' }, { orderBy: { identity: 'asc' } })
    expect(broadcast.map((r) => [r.identity, r.externalId])).toEqual([
      ['1', ''],
      ['2', ''],
    ])
  })
})

describe('the queued router', () => {
  it('is refused at startup until it exists, naming the setting', async () => {
    const { Host, ConfigError } = await import('../../src/index.js')
    const error = await Host.start({ router: 'queued' }, { databaseUrl: 'sqlite::memory:' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as InstanceType<typeof ConfigError>).key).toBe('router')
  })
})

describe('text every database can store', () => {
  const rapid = useRapidTest({ apps: [MessageLogApp, Echoes], backends: { db: { engine: DatabaseBackend } } })

  it('a NUL or a lone surrogate in a received text or identity becomes U+FFFD, so the message is processed and logged on PostgreSQL too', async () => {
    const msg = await receive('a\u0000b\ud800', { backend: { name: 'db' }, identity: '1\udc00' })
    expect(msg.text).toBe('a\ufffdb\ufffd')
    expect(msg.connections[0]!.identity).toBe('1\ufffd')
    expect((await rapid.em().find(Message, {}, { orderBy: { id: 'asc' } })).map((m) => [m.direction, m.text])).toEqual([
      ['I', 'a\ufffdb\ufffd'],
      ['O', 'you said a\ufffdb\ufffd'],
    ])
    expect((await receive('again', { backend: { name: 'db' }, identity: '1\udc00' })).connections[0]!.id).toBe(msg.connections[0]!.id)
  })
})
