import { describe, expect, it, vi } from 'vitest'
import { AppBase, BackendBase, BackendSendError, DatabaseBackend, EchoHandler, HandlersApp, Host, MockBackend, PingHandler, type IncomingMessage } from '../../src/index.js'
import { BackendMessage } from '../../src/backends/database/index.js'
import { deliveryReportEndpoint, KannelBackend } from '../../src/backends/kannel/index.js'
import { DatabaseRouter, DbMessage, dbRouterEntities, dbRouterMigrations, groupTransmissions, messageStatus, Transmission } from '../../src/runtime/routing/database/index.js'
import { scratchDatabase } from '../../src/testing/index.js'
import { useRapidTest } from '../../src/testing/vitest.js'
import type { Database } from '../../src/models/index.js'
import { createEdge } from '../../src/web/index.js'
import { schemaWith, useScratchDatabase } from '../support/database.js'
import { recordingApp } from '../support/recording-apps.js'

/** Rows of the DatabaseRouter's tables, read with plain SQL: [text, message status, transmission statuses by id]. */
async function messageRows(db: Database, direction: 'I' | 'O'): Promise<[string, string, string[]][]> {
  const rows = await db.orm.em
    .getConnection()
    .execute<{ id: number; text: string; status: string; t: string }[]>(
      'select m.id, m.text, m.status, t.status as t from db_message m join db_transmission t on t.message_id = m.id where m.direction = ? order by m.id, t.id',
      [direction],
    )
  const byMessage = new Map<number, [string, string, string[]]>()
  for (const row of rows) {
    const entry = byMessage.get(row.id) ?? [row.text, row.status, []]
    entry[2].push(row.t)
    byMessage.set(row.id, entry)
  }
  return [...byMessage.values()]
}

/** Answers "bad write" by tracking a write that fails (a row without its text); the app itself raises nothing. */
class BadWriteApp extends AppBase {
  override handle(msg: IncomingMessage) {
    if (msg.text !== 'bad write') return false
    const row = { name: 'x', direction: 'O', date: new Date(), messageId: 'm', identity: '1', text: null as unknown as string }
    void msg.scope.track(this.router.db.writer.insert(BackendMessage, row))
    msg.respond('noted')
    return true
  }
}

/** Fails every send to an identity with a 1 in it, naming those identities (RapidSMS's FailedIdentitiesBackend). */
class FailedIdentitiesBackend extends MockBackend {
  override send(id: string, text: string, identities: string[], context: Record<string, unknown>): void {
    const failed = identities.filter((i) => i.includes('1'))
    if (failed.length) throw new BackendSendError(this.name, 'some failed', { status: 400, failedIdentities: failed })
    super.send(id, text, identities, context)
  }
}

describe('the DatabaseRouter (behaviours 67-71)', () => {
  const rapid = useRapidTest({
    router: 'database',
    apps: [HandlersApp, recordingApp('boom', { handle: (msg) => { if (msg.text === 'boom') throw new Error('app failure') } }), BadWriteApp],
    handlers: [EchoHandler, PingHandler],
    backends: { db: { engine: DatabaseBackend }, failing: { engine: FailedIdentitiesBackend }, other: { engine: MockBackend } },
  })
  const em = () => rapid.em()

  async function receive(text: string, identity = '5551212', fields = {}): Promise<IncomingMessage> {
    const [connection] = await rapid.lookupConnections([identity])
    return rapid.receive(text, connection!, fields)
  }

  it('stores an incoming message with a transmission per connection; its id is the row id; R once processed (67, 68)', async () => {
    const msg = await receive('foo', '5551212', { external_id: 'ASDF1234' })
    const [row] = await em().find(DbMessage, { direction: 'I' })
    expect(row).toMatchObject({ text: 'foo', direction: 'I', status: 'R', externalId: 'ASDF1234', inResponseTo: null })
    expect(msg.id).toBe(String(row!.id))
    expect(msg.fields.external_id).toBe('ASDF1234')
    const transmissions = await em().find(Transmission, { message: row!.id }, { populate: ['connection'] })
    expect(transmissions.map((t) => [t.status, t.connection.identity])).toEqual([['R', '5551212']])
  })

  it('marks the message and its transmissions E when an app raised; the error does not escape (68)', async () => {
    await expect(receive('boom')).resolves.toBeDefined()
    const [row] = await em().find(DbMessage, { direction: 'I' })
    expect(row!.status).toBe('E')
    expect((await em().find(Transmission, { message: row!.id })).map((t) => t.status)).toEqual(['E'])
  })

  it('marks the message and its transmissions E when a write it tracked failed; the error does not escape (68)', async () => {
    const appErrors = rapid.router.stats().appErrors
    await expect(receive('bad write')).resolves.toBeDefined()
    expect(await messageRows(rapid.db, 'I')).toEqual([['bad write', 'E', ['E']]])
    // No app raised: the write's failure alone made it E.
    expect(rapid.router.stats().appErrors).toBe(appErrors)
  })

  it('stores a reply linked to the message it answers, sends it with the row id, and ends S with a sent time (69, 71)', async () => {
    const before = Date.now()
    const incoming = await receive('ping', '5551212', { external_id: 'ABCD1234' })
    const [reply] = await em().find(DbMessage, { direction: 'O' }, { populate: ['inResponseTo'] })
    expect(reply).toMatchObject({ text: 'pong', status: 'S' })
    expect(reply!.inResponseTo!.id).toBe(Number(incoming.id))
    expect(reply!.sent!.getTime()).toBeGreaterThanOrEqual(before - 1000)
    // The backend gets the outgoing row's id, and the answered message's external_id as context.
    expect(rapid.sentMessages.map((m) => [m.id, m.text, m.identities, m.context])).toEqual([[String(reply!.id), 'pong', ['5551212'], { external_id: 'ABCD1234' }]])
    expect((await em().find(Transmission, { message: reply!.id })).map((t) => [t.status, t.sent instanceof Date])).toEqual([['S', true]])
  })

  it('keeps external_id through replies to the database backend (55)', async () => {
    const [connection] = await rapid.lookupConnections(['1112223333'], 'db')
    await rapid.receive('echo test', connection!, { external_id: 'ABCD1234' })
    const rows = await em().find(BackendMessage, {})
    expect(rows.map((r) => [r.text, r.externalId])).toEqual([['test', 'ABCD1234']])
  })

  it('sends each backend its transmissions in batches ordered by id, of dbRouterBatchSize (69)', async () => {
    const connections = [
      ...(await rapid.lookupConnections(['1', '2', '3'], 'mockbackend')),
      ...(await rapid.lookupConnections(['4', '5'], 'other')),
      ...(await rapid.lookupConnections(['6'], 'mockbackend')),
    ]
    const msg = await rapid.send('news', connections)
    const batches = rapid.sentMessages.map((m) => [m.backend, m.identities])
    // The default batch size (200) holds each backend's transmissions in one call.
    expect(batches).toEqual([
      ['mockbackend', ['1', '2', '3', '6']],
      ['other', ['4', '5']],
    ])
    const [row] = await em().find(DbMessage, { direction: 'O' })
    expect(row!.status).toBe('S')
    expect(msg.processed).toBe(true)
  })

  it('marks only the identities the backend named E, the others S, and the message E (70)', async () => {
    const connections = await rapid.lookupConnections(['1111111111', '2222222222', '3333333333'], 'failing')
    await rapid.send('test', connections)
    const [row] = await em().find(DbMessage, { direction: 'O' })
    expect(row!.status).toBe('E')
    const transmissions = await em().find(Transmission, { message: row!.id }, { populate: ['connection'], orderBy: { id: 'asc' } })
    expect(transmissions.map((t) => [t.connection.identity, t.status, t.sent instanceof Date])).toEqual([
      ['1111111111', 'E', false],
      ['2222222222', 'S', true],
      ['3333333333', 'S', true],
    ])
  })

  it('marks every transmission E when the backend failed without naming identities (70)', async () => {
    const mock = rapid.router.backends.get('other')!.backend as MockBackend
    mock.fail = new Error('down')
    try {
      await rapid.send('test', await rapid.lookupConnections(['4', '5'], 'other'))
    } finally {
      mock.fail = undefined
    }
    const [row] = await em().find(DbMessage, { direction: 'O' })
    expect(row!.status).toBe('E')
    expect((await em().find(Transmission, { message: row!.id })).map((t) => t.status)).toEqual(['E', 'E'])
  })

  /** An outgoing message to 4 identities on mockbackend whose first 2 transmissions are already `first` (RapidSMS's create_trans). */
  async function fourTransmissions(first: 'S' | 'E') {
    const db = rapid.router.routing as DatabaseRouter
    const connections = await rapid.lookupConnections(['1', '2', '3', '4'])
    const id = await db.queueMessage('O', connections, 'test')
    const ids = (await em().find(Transmission, { message: id }, { orderBy: { id: 'asc' } })).map((t) => t.id)
    await em().nativeUpdate(Transmission, { id: { $in: ids.slice(0, 2) } }, { status: first })
    const send = (transmissionIds: number[]) => db.sendTransmissions((connections[0]!.backend as unknown as { id: number }).id, id, transmissionIds)
    return { db, id, ids, send }
  }

  it('a retry skips transmissions already sent (70)', async () => {
    const { db, id, ids, send } = await fourTransmissions('S')
    await send(ids)
    expect(rapid.sentMessages.map((m) => m.identities)).toEqual([['3', '4']])
    expect(await db.setStatus(id)).toBe('S')
  })

  it('a batch that sends still leaves the message E when an earlier batch failed (70, 71)', async () => {
    const { id, ids, send } = await fourTransmissions('E')
    await send(ids.slice(2))
    expect(rapid.sentMessages.map((m) => m.identities)).toEqual([['3', '4']])
    expect((await em().findOneOrFail(DbMessage, id)).status).toBe('E')
  })
})

describe('delivery reports reach the DatabaseRouter', () => {
  const rapid = useRapidTest({ router: 'database', backends: { kannel: { engine: KannelBackend } } })
  const report = (messageId: string, identity: string, status: number) =>
    deliveryReportEndpoint.handle(
      { method: 'GET', query: new URLSearchParams({ message_id: messageId, identity, status: String(status), status_text: '', smsc: 'FAKE', sms_id: 'x', date_sent: '2026-11-27 10:59:25' }).toString(), body: new Uint8Array() },
      rapid.router,
    )
  const statuses = async (id: number) =>
    (await rapid.em().find(Transmission, { message: id }, { populate: ['connection'], orderBy: { id: 'asc' } })).map((t) => [t.connection.identity, t.status, t.delivered instanceof Date])

  it("Kannel's Delivery Success makes the transmission D; all delivered makes the message D with its delivered time", async () => {
    await rapid.send('news', await rapid.lookupConnections(['1', '2']))
    const [row] = await rapid.em().find(DbMessage, { direction: 'O' })
    // The backend was given the row id: Kannel reports it back as message_id.
    expect(rapid.sentMessages.map((m) => m.id)).toEqual([String(row!.id)])
    expect(await report(String(row!.id), '1', 8)).toEqual({ status: 200, body: '' })
    expect(await statuses(row!.id)).toEqual([['1', 'S', false], ['2', 'S', false]])
    await report(String(row!.id), '1', 1)
    expect(await statuses(row!.id)).toEqual([['1', 'D', true], ['2', 'S', false]])
    expect((await rapid.em().findOneOrFail(DbMessage, row!.id)).status).toBe('S')
    await report(String(row!.id), '2', 1)
    const delivered = await rapid.em().findOneOrFail(DbMessage, row!.id)
    expect([delivered.status, delivered.delivered instanceof Date]).toEqual(['D', true])
  })

  it.each([
    [1, 'Delivery Success', 'D', 'S'],
    [2, 'Delivery Failure', 'E', 'E'],
    [4, 'Message Buffered', 'S', 'S'],
    [8, 'SMSC Submit', 'S', 'S'],
    [16, 'SMSC Reject', 'E', 'E'],
  ])('status %i (%s) reported to the edge for a message sent to two phones: its transmission %s, the message %s', async (status, _name, transmission, message) => {
    await rapid.send('news', await rapid.lookupConnections(['1', '2']))
    const [sent] = rapid.sentMessages
    const query = new URLSearchParams({ message_id: sent!.id, identity: '2', status: String(status), status_text: '', smsc: 'FAKE', sms_id: 'b44f4cfb', date_sent: '2026-11-27 10:59:25' })
    const response = await createEdge(rapid.router).app.request(`/kannel/delivery-report/?${query}`)
    expect([response.status, await response.text()]).toEqual([200, ''])
    expect(await messageRows(rapid.db, 'O')).toEqual([['news', message, ['S', transmission]]])
  })

  it('Delivery Failure and SMSC Reject make the transmission and the message E; reports for other ids change nothing', async () => {
    await rapid.send('news', await rapid.lookupConnections(['1', '2']))
    const [row] = await rapid.em().find(DbMessage, { direction: 'O' })
    await report(String(row!.id), '2', 16)
    expect(await statuses(row!.id)).toEqual([['1', 'S', false], ['2', 'E', false]])
    expect((await rapid.em().findOneOrFail(DbMessage, row!.id)).status).toBe('E')
    expect(await report('a'.repeat(32), '1', 1)).toEqual({ status: 200, body: '' })
    expect(await report(String(row!.id + 1000), '1', 2)).toEqual({ status: 200, body: '' })
    expect(await statuses(row!.id)).toEqual([['1', 'S', false], ['2', 'E', false]])
  })
})

describe('batches of the DatabaseRouter (69)', () => {
  const rapid = useRapidTest({ router: 'database', settings: { dbRouterBatchSize: 2 }, backends: { other: { engine: MockBackend } } })

  it('dbRouterBatchSize cuts each backend\'s transmissions into batches', async () => {
    await rapid.send('news', [...(await rapid.lookupConnections(['1', '2', '3'])), ...(await rapid.lookupConnections(['4'], 'other'))])
    expect(rapid.sentMessages.map((m) => [m.backend, m.identities])).toEqual([
      ['mockbackend', ['1', '2']],
      ['mockbackend', ['3']],
      ['other', ['4']],
    ])
  })

  it('groupTransmissions: 7 on one backend and 6 on another in batches of 4 are 4, 3, 4, 2; 201 are 200 and 1', () => {
    const transmissions = [...Array.from({ length: 7 }, (_, i) => ({ id: i + 1, backendId: 1 })), ...Array.from({ length: 6 }, (_, i) => ({ id: i + 8, backendId: 2 }))]
    expect(groupTransmissions(transmissions.reverse(), 4).map(([backend, ids]) => [backend, ids])).toEqual([
      [1, [1, 2, 3, 4]],
      [1, [5, 6, 7]],
      [2, [8, 9, 10, 11]],
      [2, [12, 13]],
    ])
    expect(groupTransmissions(Array.from({ length: 201 }, (_, i) => ({ id: i, backendId: 1 })), 200).map(([, ids]) => ids.length)).toEqual([200, 1])
  })
})

describe('message status rule (71)', () => {
  it.each([
    ['O', ['E', 'S'], 'E'],
    ['O', ['Q', 'S'], 'P'],
    ['O', ['S', 'D'], 'S'],
    ['O', ['D', 'D'], 'D'],
    ['I', ['E'], 'E'],
    ['I', ['Q'], 'Q'],
    ['I', ['R'], 'R'],
    ['I', ['R', 'Q'], 'Q'],
  ] as const)('%s with transmissions %j is %s', (direction, statuses, expected) => {
    expect(messageStatus(direction, statuses)).toBe(expected)
  })
})

describe('a host with the DatabaseRouter resumes what a stopped one left', () => {
  it('processes incoming messages still Q and sends outgoing transmissions still Q or P', async () => {
    const scratch = await scratchDatabase()
    const settings = { router: 'database' as const, apps: [HandlersApp], handlers: [PingHandler], backends: { mockbackend: { engine: MockBackend } } }
    try {
      const first = await Host.start(settings, { databaseUrl: scratch.url })
      const [phone] = await first.lookupConnections('mockbackend', ['5551212'])
      const [other] = await first.lookupConnections('mockbackend', ['5552323'])
      // As if the host had stopped after storing these and before processing or sending them.
      const incomingId = await (first.routing as DatabaseRouter).queueMessage('I', [phone!], 'ping', { external_id: 'EXT-1' })
      // A reply to a message received earlier: it is sent with that message's external_id.
      const answered = await (first.routing as DatabaseRouter).queueMessage('I', [other!], 'hi', { external_id: 'EXT-2' }, { status: 'R' })
      const outgoingId = await (first.routing as DatabaseRouter).queueMessage('O', [other!], 'left over', {}, { status: 'P', inResponseTo: answered })
      await first.stop()

      const second = await Host.start(settings, { databaseUrl: scratch.url })
      await second.resumed
      const outbox = (second.backends.get('mockbackend')!.backend as MockBackend).outbox
      expect(outbox.map((m) => [m.text, m.identities, m.context]).sort()).toEqual([
        ['left over', ['5552323'], { external_id: 'EXT-2' }],
        ['pong', ['5551212'], { external_id: 'EXT-1' }],
      ])
      expect(outbox.find((m) => m.text === 'left over')!.id).toBe(String(outgoingId))
      const em = second.db.orm.em.fork()
      expect((await em.findOneOrFail(DbMessage, incomingId)).status).toBe('R')
      expect((await em.findOneOrFail(DbMessage, outgoingId)).status).toBe('S')
      const reply = await em.findOneOrFail(DbMessage, { direction: 'O', text: 'pong' })
      expect((reply.inResponseTo as unknown as { id: number }).id).toBe(incomingId)
      await second.stop()
    } finally {
      await scratch.dispose()
    }
  })
})

describe('a host with the DatabaseRouter stopped in the middle of a send', () => {
  it('leaves the transmission P, and the next host sends it again and marks it S', async () => {
    const scratch = await scratchDatabase()
    let sending!: () => void
    const started = new Promise<void>((resolve) => (sending = resolve))
    /** A gateway that takes the request and never answers. */
    class SilentGateway extends BackendBase {
      override send(): Promise<void> {
        sending()
        return new Promise<void>(() => undefined)
      }
    }
    const settings = (engine: typeof BackendBase) => ({ router: 'database' as const, backends: { gw: { engine, retries: 0 } } })
    try {
      const first = await Host.start(settings(SilentGateway), { databaseUrl: scratch.url })
      const [phone] = await first.lookupConnections('gw', ['5551212'])
      void first.send('in flight', [phone!])
      await started
      expect(await messageRows(first.db, 'O')).toEqual([['in flight', 'P', ['P']]])
      await first.stop()

      const second = await Host.start(settings(MockBackend as unknown as typeof BackendBase), { databaseUrl: scratch.url })
      try {
        const outbox = (second.backends.get('gw')!.backend as unknown as MockBackend).outbox
        await vi.waitFor(async () => expect(await messageRows(second.db, 'O')).toEqual([['in flight', 'S', ['S']]]), { timeout: 5000 })
        expect(outbox.map((m) => [m.text, m.identities])).toEqual([['in flight', ['5551212']]])
      } finally {
        await second.stop()
      }
    } finally {
      await scratch.dispose()
    }
  })
})

describe('the DatabaseRouter migration', () => {
  const scratch = useScratchDatabase({ migrate: false, schema: schemaWith({ entities: dbRouterEntities, migrations: dbRouterMigrations }) })

  it('creates exactly the db_message and db_transmission tables on this database', async () => {
    expect(await scratch.db.migrate()).toContain('Migration20261127190037DatabaseRouter')
    expect(await scratch.db.schemaDrift()).toBe('')
  })
})
