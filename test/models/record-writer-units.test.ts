import { beforeEach, describe, expect, it } from 'vitest'
import { BackendMessage } from '../../src/index.js'
import { Backend, Connection } from '../../src/models/index.js'
import { StaleWriteError } from '../../src/models/record-writer.js'
import { ScheduledTask, schedulerEntities, schedulerMigrations } from '../../src/runtime/scheduler/index.js'
import { DialogueSession, dialogueEntities } from '../../src/contrib/dialogues/models.js'
import { migrations as dialogueMigrations } from '../../src/contrib/dialogues/migrations/index.js'
import { schemaWith, useScratchDatabase } from '../support/database.js'
import { messageRow as row } from '../support/writer-rows.js'

describe('the group-commit writer: units held together and versioned updates', () => {
  const scratch = useScratchDatabase({ migrate: true })
  beforeEach(() => scratch.db.clear())
  const writer = () => scratch.db.writer
  const texts = async () => (await scratch.db.orm.em.fork().find(BackendMessage, {}, { orderBy: { messageId: 'asc' } })).map((r) => [r.messageId, r.text, r.externalId])

  it('changes exactly the rows named, values converted as inserts convert them', async () => {
    await writer().insert(BackendMessage, [row(1), row(2), row(3)])
    await Promise.all([
      writer().update(BackendMessage, { where: { messageId: 'm1' }, set: { text: 'a"b\\c{d},e', externalId: 'x1' } }),
      writer().update(BackendMessage, [{ where: { messageId: 'm3', identity: '3' }, set: { text: 'NULL' } }]),
    ])
    expect(await texts()).toEqual([
      ['m1', 'a"b\\c{d},e', 'x1'],
      ['m2', 't2', ''],
      ['m3', 'NULL', ''],
    ])
    await writer().update(BackendMessage, { where: { messageId: 'm2' }, set: { date: new Date(Date.UTC(2027, 0, 1)) } })
    const m2 = await scratch.db.orm.em.fork().findOneOrFail(BackendMessage, { messageId: 'm2' })
    expect(m2.date.toISOString()).toBe('2027-01-01T00:00:00.000Z')
  })

  it('fails an update that matches no row (a stale version) with StaleWriteError, and only that write', async () => {
    await writer().insert(BackendMessage, [row(1), row(2)])
    const results = await Promise.allSettled([
      writer().update(BackendMessage, { where: { messageId: 'm1', text: 't1' }, set: { text: 'v2' } }),
      writer().update(BackendMessage, { where: { messageId: 'm2', text: 'not what it is' }, set: { text: 'lost' } }),
      writer().insert(BackendMessage, row(3)),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    const error = (results[1] as PromiseRejectedResult).reason
    expect(error).toBeInstanceOf(StaleWriteError)
    expect([error.expected, error.matched]).toEqual([1, 0])
    expect(await texts()).toEqual([
      ['m1', 'v2', ''],
      ['m2', 't2', ''],
      ['m3', 't3', ''],
    ])
  })

  it('holds the writes of a unit until it is released, then commits them together', async () => {
    const unit = {}
    writer().hold(unit)
    let done = false
    const writes = Promise.all([writer().insert(BackendMessage, row(1), unit), writer().insert(BackendMessage, row(2), unit)]).then(() => (done = true))
    const other = writer().insert(BackendMessage, row(3))
    await other
    await new Promise((r) => setTimeout(r, 20))
    expect(done).toBe(false)
    expect(await texts()).toEqual([['m3', 't3', '']])
    writer().release(unit)
    await writes
    expect((await texts()).map(([id]) => id)).toEqual(['m1', 'm2', 'm3'])
  })

  it('fails every write of a unit when one fails, and commits none of them; other writes go on', async () => {
    await writer().insert(BackendMessage, row(1))
    const unit = {}
    writer().hold(unit)
    const inUnit = [
      writer().insert(BackendMessage, row(2), unit),
      writer().update(BackendMessage, { where: { messageId: 'm1', text: 'stale' }, set: { text: 'never' } }, unit),
    ]
    const outside = writer().insert(BackendMessage, row(3))
    writer().release(unit)
    const results = await Promise.allSettled([...inUnit, outside])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled'])
    expect(await texts()).toEqual([
      ['m1', 't1', ''],
      ['m3', 't3', ''],
    ])
  })

  it('runs the updates of a commit before its inserts (a row moved out of a unique key, a new one in)', async () => {
    const em = scratch.db.orm.em.fork()
    const backend = em.create(Backend, { name: 'b' })
    await em.flush()
    const now = new Date()
    await writer().insert(Connection, { backend, identity: '100', contact: null, createdOn: now, modifiedOn: now })
    const unit = {}
    writer().hold(unit)
    const inserted = writer().insert(Connection, { backend: backend.id, identity: '100', contact: null, createdOn: now, modifiedOn: now }, unit)
    const moved = writer().update(Connection, { where: { backend: backend.id as never, identity: '100' }, set: { identity: '101' } }, unit)
    writer().release(unit)
    await Promise.all([inserted, moved])
    const rows = await scratch.db.orm.em.fork().find(Connection, {}, { orderBy: { id: 'asc' } })
    expect(rows.map((c) => c.identity)).toEqual(['101', '100'])
  })

  it('applies an update marked beforeInserts first, in a batch with other units', async () => {
    const em = scratch.db.orm.em.fork()
    const backend = em.create(Backend, { name: 'b' })
    await em.flush()
    const now = new Date()
    await writer().insert(Connection, { backend, identity: '200', contact: null, createdOn: now, modifiedOn: now })
    await writer().insert(BackendMessage, row(1))
    const [moving, other] = [{}, {}]
    writer().hold(moving)
    writer().hold(other)
    const writes = [
      writer().insert(Connection, { backend: backend.id, identity: '200', contact: null, createdOn: now, modifiedOn: now }, moving),
      writer().update(Connection, { where: { backend: backend.id as never, identity: '200' }, set: { identity: '201' } }, moving, { beforeInserts: true }),
      writer().update(BackendMessage, { where: { messageId: 'm1' }, set: { text: 'moved' } }, other),
      writer().insert(BackendMessage, row(2), other),
    ]
    writer().release(moving)
    writer().release(other)
    await Promise.all(writes)
    expect((await scratch.db.orm.em.fork().find(Connection, {}, { orderBy: { id: 'asc' } })).map((c) => c.identity)).toEqual(['201', '200'])
    expect(await texts()).toEqual([
      ['m1', 'moved', ''],
      ['m2', 't2', ''],
    ])
  })

  it('a unit that was not held commits each write on its own; releasing it does nothing; drain waits for released units', async () => {
    const unit = {}
    writer().release(unit)
    await writer().insert(BackendMessage, row(1), unit)
    writer().hold(unit)
    writer().release(unit)
    writer().hold(unit)
    void writer().insert(BackendMessage, [row(2), row(3)], unit)
    writer().release(unit)
    await writer().drain()
    expect((await texts()).map(([id]) => id)).toEqual(['m1', 'm2', 'm3'])
  })

  it('commits many units and updates of concurrent writers in one batch', async () => {
    await writer().insert(BackendMessage, Array.from({ length: 200 }, (_, n) => row(n)))
    const units = Array.from({ length: 200 }, () => ({}))
    const all = units.map((unit, n) => {
      writer().hold(unit)
      const writes = [writer().update(BackendMessage, { where: { messageId: `m${n}` }, set: { text: `u${n}` } }, unit), writer().insert(BackendMessage, row(1000 + n), unit)]
      writer().release(unit)
      return Promise.all(writes)
    })
    await Promise.all(all)
    const rows = await scratch.db.orm.em.fork().find(BackendMessage, {})
    expect(rows).toHaveLength(400)
    expect(rows.filter((r) => r.text.startsWith('u')).length).toBe(200)
  })
})

describe('the group-commit writer: JSON columns', () => {
  const scratch = useScratchDatabase({ migrate: true, schema: schemaWith({ entities: schedulerEntities, migrations: schedulerMigrations }, { entities: dialogueEntities, migrations: dialogueMigrations }) })
  const sql = <T>(text: string) => scratch.db.orm.em.fork().getConnection().execute<T[]>(text)
  /** Values that break naive quoting, nulls at every depth, and JSON that is not an object. */
  const VALUES: unknown[] = [{ a: 'q"uote\\back{brace},comma', n: null, u: 'مرحبا ✓\nline' }, ['x', 1, null, { deep: [true, false] }], 'just a "string"', 42, true, {}, [], null, undefined]

  it('stores each value as JSON.stringify writes it (json keeps that text), null and undefined as NULL, inserted and updated', async () => {
    const at = new Date(Date.UTC(2026, 11, 1))
    await scratch.db.writer.insert(ScheduledTask, VALUES.map((payload, n) => ({ id: `t${n}`, task: 'x', payload, runAt: at, createdAt: at })) as never)
    const stored = async () => (await sql<{ id: string; payload: unknown; missing: boolean }>('select id, payload, payload is null as missing from rapidsms_scheduled_task order by id')).map((r) => [r.id, Boolean(r.missing) ? 'NULL' : (typeof r.payload === 'string' && scratch.db.dialect === 'sqlite' ? JSON.parse(r.payload) : r.payload)])
    const expected = (values: unknown[]) => values.map((v, n) => [`t${n}`, v === null || v === undefined ? 'NULL' : v])
    expect(await stored()).toEqual(expected(VALUES))
    const reversed = [...VALUES].reverse()
    await scratch.db.writer.update(ScheduledTask, reversed.map((payload, n) => ({ where: { id: `t${n}` }, set: { payload } })) as never)
    expect(await stored()).toEqual(expected(reversed))

    // A json column (DialogueSession's) keeps the text: exactly JSON.stringify's.
    await scratch.db.writer.insert(Backend, { name: 'b' } as never)
    const [backend] = await sql<{ id: number }>("select id from rapidsms_backend where name = 'b'")
    await scratch.db.writer.insert(Connection, { backend: backend!.id, identity: '1', createdOn: at, modifiedOn: at } as never)
    const [connection] = await sql<{ id: number }>("select id from rapidsms_connection where identity = '1'")
    const sessions = VALUES.map((snapshot, n) => ({ id: `s${n}`.padEnd(32, '0'), connection: connection!.id, dialogue: 'd', status: 'done', snapshot, timers: [{ id: 'x', at: n }], startedAt: at, updatedAt: at }))
    await scratch.db.writer.insert(DialogueSession, sessions as never)
    const texts = await sql<{ snapshot: string | null; timers: string }>('select cast(snapshot as text) as snapshot, cast(timers as text) as timers from dialogue_session order by id')
    expect(texts.map((r) => [r.snapshot, r.timers])).toEqual(sessions.map((s) => [s.snapshot == null ? null : JSON.stringify(s.snapshot), JSON.stringify(s.timers)]))
  })
})
