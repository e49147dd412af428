import { beforeEach, describe, expect, it } from 'vitest'
import { BackendMessage } from '../../src/index.js'
import { StaleWriteError } from '../../src/models/record-writer.js'
import { onPostgres, useScratchDatabase } from '../support/database.js'
import { messageRow as row } from '../support/writer-rows.js'

/**
 * The writer groups a batch's rows by table and by the keys they carry, and its row changes
 * by the keys they match and set; rows and changes of different shapes in one batch must each
 * land in their own columns. Also: what drain() and hold() promise.
 */
describe('the group-commit writer: rows and changes of several shapes in one batch', () => {
  const scratch = useScratchDatabase({ migrate: true })
  beforeEach(() => scratch.db.clear())
  const writer = () => scratch.db.writer
  const stored = async () => (await scratch.db.orm.em.fork().find(BackendMessage, {}, { orderBy: { messageId: 'asc' } })).map((r) => [r.messageId, r.identity, r.text, r.externalId])

  it('rows with and without a column, and with their keys in another order, each keep their own values', async () => {
    // One turn: one batch. Shapes alternate, so a layout reused for the wrong keys would misplace values.
    const reordered = { text: 't5', identity: '5', messageId: 'm5', date: new Date(Date.UTC(2026, 11, 1, 9, 0, 5)), direction: 'O', name: 'w' }
    await Promise.all([
      writer().insert(BackendMessage, row(1, { externalId: 'e1' })),
      writer().insert(BackendMessage, row(2)),
      writer().insert(BackendMessage, [row(3, { externalId: 'e3' }), row(4)]),
      writer().insert(BackendMessage, reordered),
    ])
    expect(await stored()).toEqual([
      ['m1', '1', 't1', 'e1'],
      ['m2', '2', 't2', ''],
      ['m3', '3', 't3', 'e3'],
      ['m4', '4', 't4', ''],
      ['m5', '5', 't5', ''],
    ])
  })

  it('keys that are not columns are left out of inserts and changes', async () => {
    await writer().insert(BackendMessage, row(1, { notAColumn: 'x', loggerMsg: { id: 1 } }) as never)
    await writer().update(BackendMessage, { where: { messageId: 'm1' }, set: { text: 'changed', notAColumn: 'y' } as never })
    expect(await stored()).toEqual([['m1', '1', 'changed', '']])
  })

  it('changes matching and setting different columns in one batch each change their own row', async () => {
    await writer().insert(BackendMessage, [row(1), row(2), row(3), row(4)])
    await Promise.all([
      writer().update(BackendMessage, { where: { messageId: 'm1' }, set: { text: 'a' } }),
      writer().update(BackendMessage, { where: { messageId: 'm2', identity: '2' }, set: { externalId: 'b' } }),
      writer().update(BackendMessage, { where: { messageId: 'm3' }, set: { text: 'c', externalId: 'cc' } }),
      writer().update(BackendMessage, { where: { identity: '4' }, set: { text: 'd' } }),
      writer().update(BackendMessage, { where: { messageId: 'm2' }, set: { text: 'b2' } }),
    ])
    expect(await stored()).toEqual([
      ['m1', '1', 'a', ''],
      ['m2', '2', 'b2', 'b'],
      ['m3', '3', 'c', 'cc'],
      ['m4', '4', 'd', ''],
    ])
  })

  it('a change matching a key that is no column fails, naming it, and only that write', async () => {
    await writer().insert(BackendMessage, row(1))
    const results = await Promise.allSettled([
      writer().update(BackendMessage, { where: { messageId: 'm1', nope: 1 } as never, set: { text: 'never' } }),
      writer().update(BackendMessage, { where: { messageId: 'm1' }, set: { text: 'kept' } }),
    ])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled'])
    expect(String((results[0] as PromiseRejectedResult).reason)).toBe('Error: BackendMessage has no column for "nope"')
    expect(await stored()).toEqual([['m1', '1', 'kept', '']])
  })

  it('a stale change names its entity, the rows it expected and those it matched', async () => {
    await writer().insert(BackendMessage, [row(1), row(2)])
    const error = await writer()
      .update(BackendMessage, [{ where: { messageId: 'm1', text: 'old' }, set: { text: 'x' } }, { where: { messageId: 'm2', text: 'old' }, set: { text: 'y' } }])
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StaleWriteError)
    expect((error as Error).name).toBe('StaleWriteError')
    expect((error as Error).message).toBe('BackendMessage: 2 row(s) to update matched 0; the rows changed since they were read')
    expect(await stored()).toEqual([
      ['m1', '1', 't1', ''],
      ['m2', '2', 't2', ''],
    ])
  })

  it('drain() resolves only once every queued write is committed, and at once when nothing is queued', async () => {
    await writer().drain()
    let committed = 0
    for (let n = 0; n < 50; n++) void writer().insert(BackendMessage, row(n)).then(() => committed++)
    await writer().drain()
    expect(committed).toBe(50)
    expect(await scratch.db.orm.em.fork().count(BackendMessage, {})).toBe(50)
  })

  it('holding a unit again keeps what it already held', async () => {
    const unit = {}
    writer().hold(unit)
    const first = writer().insert(BackendMessage, row(1), unit)
    writer().hold(unit)
    const second = writer().insert(BackendMessage, row(2), unit)
    writer().release(unit)
    await writer().drain()
    expect((await stored()).map(([id]) => id)).toEqual(['m1', 'm2'])
    await Promise.all([first, second])
  })
})

describe.runIf(!onPostgres)('the group-commit writer on SQLite: statements announced to query listeners as knex announces them', () => {
  const scratch = useScratchDatabase({ migrate: true })
  beforeEach(() => scratch.db.clear())

  it('one statement without a transaction id; the statements of one commit with one id, another commit with another', async () => {
    const knex = scratch.db.orm.em.getConnection().getKnex()
    const seen: { sql: string; tx: unknown; bindings: unknown[] }[] = []
    const listener = (q: { sql: string; __knexTxId?: unknown; bindings: unknown[] }) => {
      if (q.sql.includes('database_backendmessage')) seen.push({ sql: q.sql, tx: q.__knexTxId, bindings: q.bindings })
    }
    knex.on('query', listener)
    try {
      await scratch.db.writer.insert(BackendMessage, row(1))
      expect(seen.map((s) => s.tx)).toEqual([undefined])
      expect(seen[0]!.sql).toMatch(/^insert into/)
      expect(seen[0]!.bindings).toContain('m1')
      seen.length = 0
      // Three rows: statements of two rows and one, in one transaction.
      await scratch.db.writer.insert(BackendMessage, [row(2), row(3), row(4)])
      await Promise.all([scratch.db.writer.insert(BackendMessage, row(5)), scratch.db.writer.update(BackendMessage, { where: { messageId: 'm2' }, set: { text: 'u' } })])
      const ids = seen.map((s) => s.tx)
      expect(ids).toHaveLength(4)
      for (const id of ids) expect(typeof id).toBe('string')
      expect(ids[0]).toBe(ids[1])
      expect(ids[2]).toBe(ids[3])
      expect(ids[1]).not.toBe(ids[2])
      expect(seen.map((s) => s.sql.split(' ')[0])).toEqual(['insert', 'insert', 'update', 'insert'])
      expect(seen[2]!.bindings).toEqual(['u', 'm2'])
    } finally {
      knex.off('query', listener)
    }
  })
})
