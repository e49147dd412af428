import { beforeEach, describe, expect, it } from 'vitest'
import { BackendMessage } from '../../src/index.js'
import { RecordWriter, StaleWriteError } from '../../src/models/record-writer.js'
import { captureLogs } from '../support/logs.js'
import { onPostgres, useScratchDatabase } from '../support/database.js'
import { messageRow as row } from '../support/writer-rows.js'

/**
 * When the writer commits: it asks its clock for one turn at a time, runs at most
 * `concurrency` commits at once and puts at most `maxBatch` pending writes in one. The clock
 * here keeps the deferred callbacks until the test runs them, so each step can be looked at.
 */
describe('the group-commit writer: turns, concurrency and batch size', () => {
  const scratch = useScratchDatabase({ migrate: true })
  beforeEach(() => scratch.db.clear())
  const ids = async () => (await scratch.db.orm.em.fork().find(BackendMessage, {}, { orderBy: { messageId: 'asc' } })).map((r) => r.messageId)
  let deferred: (() => void)[] = []
  /** Runs the callbacks deferred so far (not those they defer). */
  const turn = () => {
    for (const callback of deferred.splice(0)) callback()
  }
  const writer = (options: { concurrency: number; maxBatch: number }) => {
    deferred = []
    return new RecordWriter(scratch.db.orm, scratch.db.dialect, options, { defer: (callback) => void deferred.push(callback) })
  }

  it('asks for one turn for every write of a turn, and none while its one commit is in flight', async () => {
    const w = writer({ concurrency: 1, maxBatch: 2000 })
    const first = [w.insert(BackendMessage, row(1)), w.insert(BackendMessage, row(2))]
    expect(deferred).toHaveLength(1)
    turn()
    const later = [w.insert(BackendMessage, row(3)), w.insert(BackendMessage, row(4))]
    // Concurrency 1 and a commit in flight: the next one waits for it.
    expect(deferred).toHaveLength(0)
    await Promise.all(first)
    expect(deferred).toHaveLength(1)
    turn()
    await Promise.all(later)
    expect(await ids()).toEqual(['m1', 'm2', 'm3', 'm4'])
    expect(deferred).toHaveLength(0)
  })

  it('starts the next batch in the following turn while the first is in flight, up to its concurrency', async () => {
    const w = writer({ concurrency: 2, maxBatch: 1 })
    const writes = [1, 2, 3].map((n) => w.insert(BackendMessage, row(n)))
    expect(deferred).toHaveLength(1)
    // One pending write per batch: two left, and room for a second commit.
    turn()
    expect(deferred).toHaveLength(1)
    // Two in flight: the third waits for one of them.
    turn()
    expect(deferred).toHaveLength(0)
    await Promise.race(writes.slice(0, 2))
    expect(deferred).toHaveLength(1)
    turn()
    await Promise.all(writes)
    expect(await ids()).toEqual(['m1', 'm2', 'm3'])
    // Nothing left: no further turn.
    expect(deferred).toHaveLength(0)
  })

  it('asks for no turn when a batch takes the whole queue, even with room for more commits', async () => {
    const w = writer({ concurrency: 2, maxBatch: 2000 })
    const write = w.insert(BackendMessage, [row(1), row(2)])
    turn()
    expect(deferred).toHaveLength(0)
    await write
    expect(deferred).toHaveLength(0)
    expect(await ids()).toEqual(['m1', 'm2'])
  })

  it('a released unit that held nothing asks for no turn; holds() says which units are held', () => {
    const w = writer({ concurrency: 1, maxBatch: 2000 })
    const unit = {}
    expect(w.holds(unit)).toBe(false)
    w.hold(unit)
    expect([w.holds(unit), w.holds({})]).toEqual([true, false])
    w.release(unit)
    expect(w.holds(unit)).toBe(false)
    expect(deferred).toHaveLength(0)
  })

  it('drain() called while a commit is in flight resolves once it is committed', async () => {
    const w = writer({ concurrency: 1, maxBatch: 2000 })
    let committed = false
    void w.insert(BackendMessage, row(1)).then(() => (committed = true))
    turn()
    await w.drain()
    expect(committed).toBe(true)
    expect(await ids()).toEqual(['m1'])
  })

  it('drain() called while two commits are in flight waits for both', async () => {
    const w = writer({ concurrency: 2, maxBatch: 1 })
    const done: string[] = []
    void w.insert(BackendMessage, row(1)).then(() => done.push('small'))
    // The second batch is far larger, so it finishes last.
    void w.insert(BackendMessage, Array.from({ length: 3000 }, (_, n) => row(10 + n))).then(() => done.push('large'))
    turn()
    turn()
    await w.drain()
    expect(done.sort()).toEqual(['large', 'small'])
  })

  it('with the default options and clock: one commit at a time, every write of a turn in it', async () => {
    const w = new RecordWriter(scratch.db.orm, scratch.db.dialect)
    const writes = Array.from({ length: 5 }, (_, n) => w.insert(BackendMessage, row(n)))
    await Promise.all(writes)
    await w.drain()
    expect(await ids()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4'])
  })
})

describe('the group-commit writer: failures', () => {
  const scratch = useScratchDatabase({ migrate: true })
  beforeEach(() => scratch.db.clear())

  // On SQLite, where knex's query listeners see the writer's statements.
  it.runIf(!onPostgres)('a write that fails alone is not tried again', async () => {
    const knex = scratch.db.orm.em.getConnection().getKnex()
    const inserts: unknown[] = []
    const listener = (q: { sql: string; bindings: unknown[] }) => void (q.sql.startsWith('insert into') && inserts.push(q.bindings))
    knex.on('query', listener)
    try {
      await expect(scratch.db.writer.insert(BackendMessage, row(1, { text: null }) as never)).rejects.toThrow()
    } finally {
      knex.off('query', listener)
    }
    expect(inserts).toHaveLength(1)
  })

  it('logs a stale write as a warning and a failed one as an error, once per write, under rapidsms.models.writer', async () => {
    await scratch.db.writer.insert(BackendMessage, [row(1), row(2)])
    const logs = captureLogs('warn')
    try {
      const unit = {}
      scratch.db.writer.hold(unit)
      const stale = [
        scratch.db.writer.update(BackendMessage, [{ where: { messageId: 'm1', text: 'old' }, set: { text: 'x' } }, { where: { messageId: 'm2' }, set: { text: 'y' } }], unit),
        scratch.db.writer.insert(BackendMessage, [row(3), row(4), row(5)], unit),
      ]
      scratch.db.writer.release(unit)
      const results = await Promise.allSettled(stale)
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(StaleWriteError)
      await expect(scratch.db.writer.insert(BackendMessage, row(6, { text: null }) as never)).rejects.toThrow()
    } finally {
      logs.stop()
    }
    const stale = 'rows not written: a row they update changed since it was read'
    expect(logs.lines.map((l) => [l.level, l.name, l.msg, l.entity, l.rows, l.stale])).toEqual([
      [40, 'rapidsms.models.writer', stale, 'BackendMessage', 2, 'BackendMessage'],
      [40, 'rapidsms.models.writer', stale, 'BackendMessage', 3, 'BackendMessage'],
      [50, 'rapidsms.models.writer', 'could not write rows', 'BackendMessage', 1, undefined],
    ])
    expect((logs.lines[2]!.err as { message: string }).message).toMatch(/null/i)
  })

  it('an update that matches only some of its rows, or more than one row each, is stale and names how many it matched', async () => {
    await scratch.db.writer.insert(BackendMessage, [row(1), row(2), row(3, { identity: '2' })])
    const some = await scratch.db.writer
      .update(BackendMessage, [{ where: { messageId: 'm1', text: 't1' }, set: { text: 'x' } }, { where: { messageId: 'm2', text: 'old' }, set: { text: 'y' } }])
      .catch((e: unknown) => e)
    expect((some as Error).message).toBe('BackendMessage: 2 row(s) to update matched 1; the rows changed since they were read')
    const several = await scratch.db.writer.update(BackendMessage, { where: { identity: '2' }, set: { text: 'z' } }).catch((e: unknown) => e)
    expect([(several as StaleWriteError).expected, (several as StaleWriteError).matched]).toEqual([1, 2])
    const texts = (await scratch.db.orm.em.fork().find(BackendMessage, {}, { orderBy: { messageId: 'asc' } })).map((r) => r.text)
    expect(texts).toEqual(['t1', 't2', 't3'])
  })

  it("a unit's updates of several column sets are applied together or not at all", async () => {
    await scratch.db.writer.insert(BackendMessage, [row(1), row(2)])
    const unit = {}
    scratch.db.writer.hold(unit)
    const writes = [
      scratch.db.writer.update(BackendMessage, { where: { messageId: 'm1' }, set: { externalId: 'applied first' } }, unit),
      scratch.db.writer.update(BackendMessage, { where: { messageId: 'm2', text: 'old' }, set: { text: 'stale' } }, unit),
    ]
    scratch.db.writer.release(unit)
    expect((await Promise.allSettled(writes)).map((r) => r.status)).toEqual(['rejected', 'rejected'])
    const stored = (await scratch.db.orm.em.fork().find(BackendMessage, {}, { orderBy: { messageId: 'asc' } })).map((r) => [r.messageId, r.text, r.externalId])
    expect(stored).toEqual([
      ['m1', 't1', ''],
      ['m2', 't2', ''],
    ])
    // The connection is usable afterwards: no transaction left open.
    await scratch.db.writer.update(BackendMessage, { where: { messageId: 'm1' }, set: { externalId: 'e' } })
    expect((await scratch.db.orm.em.fork().findOneOrFail(BackendMessage, { messageId: 'm1' })).externalId).toBe('e')
  })
})
