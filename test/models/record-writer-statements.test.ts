import Sqlite from 'libsql'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BackendMessage } from '../../src/index.js'
import { App, User } from '../../src/models/index.js'
import { onPostgres, useScratchDatabase } from '../support/database.js'
import { messageRow as row } from '../support/writer-rows.js'

/**
 * The statements the writer sends, as the database sees them: what its doc comments promise
 * (one statement per commit on PostgreSQL, named and planned once per text; on SQLite multi-row
 * INSERTs of a power of two rows within the parameter limit, prepared once per connection,
 * announced to knex's query listeners) and the values as each database stores them.
 */
const PG_INSERT =
  'insert into "database_backendmessage" ("name", "direction", "date", "message_id", "identity", "text") select * from unnest($1::varchar(20)[], $2::varchar(1)[], $3::timestamptz[], $4::varchar(64)[], $5::varchar(100)[], $6::text[])'
const pgValues = (...ns: number[]) => {
  const list = (f: (n: number) => string) => `{${ns.map((n) => `"${f(n)}"`).join(',')}}`
  return [list(() => 'w'), list(() => 'O'), list((n) => new Date(Date.UTC(2026, 11, 1, 9, 0, n)).toISOString()), list((n) => `m${n}`), list((n) => String(n)), list((n) => `t${n}`)]
}

describe.runIf(onPostgres)('the group-commit writer on PostgreSQL: one statement a commit', () => {
  const scratch = useScratchDatabase({ migrate: true })
  let queries: { mock: { calls: unknown[][] }; mockClear(): void; mockRestore(): void } | undefined
  beforeEach(() => scratch.db.clear())
  afterEach(() => queries?.mockRestore())
  /** The writer's queries from now on: a transaction's words as they are, statements as { name, text, values }. */
  const watch = () => {
    queries = vi.spyOn(pg.Client.prototype as { query(...args: unknown[]): unknown }, 'query')
    return () => {
      const seen = queries!.mock.calls.map(([q]) => q as unknown as string | { name: string; text: string; values: unknown[] })
      queries!.mockClear()
      return seen
    }
  }
  const texts = (seen: ReturnType<ReturnType<typeof watch>>) => seen.map((q) => (typeof q === 'string' ? q : q.text))

  it('inserts of one table: one named statement, its columns as arrays; the same text keeps its name, another text gets another', async () => {
    const seen = watch()
    await scratch.db.writer.insert(BackendMessage, [row(1), row(2)])
    const [first, ...rest] = seen() as { name: string; text: string; values: unknown[] }[]
    expect(rest).toEqual([])
    expect(first).toEqual({ name: expect.stringMatching(/^rapidsms_write_\d+$/), text: PG_INSERT, values: pgValues(1, 2) })
    await scratch.db.writer.insert(BackendMessage, row(3))
    expect(seen()).toEqual([{ name: first!.name, text: PG_INSERT, values: pgValues(3) }])
    await scratch.db.writer.insert(App, { module: 'a', active: true })
    const [other] = seen() as { name: string; text: string }[]
    expect(other!.text).toBe('insert into "rapidsms_app" ("module", "active") select * from unnest($1::varchar(100)[], $2::boolean[])')
    expect(other!.name).toMatch(/^rapidsms_write_\d+$/)
    expect(other!.name).not.toBe(first!.name)
  })

  it('inserts of two tables in one batch: one statement, each table an insert of its own', async () => {
    const seen = watch()
    await Promise.all([scratch.db.writer.insert(BackendMessage, row(3)), scratch.db.writer.insert(App, { module: 'a', active: false })])
    expect(seen()).toEqual([
      {
        name: expect.stringMatching(/^rapidsms_write_\d+$/),
        text: `with w0 as (${PG_INSERT}), w1 as (insert into "rapidsms_app" ("module", "active") select * from unnest($7::varchar(100)[], $8::boolean[])) select 1`,
        values: [...pgValues(3), '{"a"}', '{"false"}'],
      },
    ])
  })

  it('an update on its own: in a transaction of its own that checks how many rows it matched', async () => {
    await scratch.db.writer.insert(BackendMessage, [row(1), row(2)])
    const seen = watch()
    await scratch.db.writer.update(BackendMessage, [
      { where: { messageId: 'm1', identity: '1' }, set: { text: 'x', externalId: 'e' } },
      { where: { messageId: 'm2', identity: '2' }, set: { text: 'y', externalId: 'f' } },
    ])
    expect(texts(seen())).toEqual([
      'begin',
      'update "database_backendmessage" as t set "text" = v.s2, "external_id" = v.s3 from unnest($1::varchar(64)[], $2::varchar(100)[], $3::text[], $4::varchar(64)[]) as v(w0, w1, s2, s3) where t."message_id" = v.w0 and t."identity" = v.w1',
      'commit',
    ])
    const stale = scratch.db.writer.update(BackendMessage, { where: { messageId: 'm1', text: 'old' }, set: { text: 'z' } })
    await expect(stale).rejects.toThrow('matched 0')
    expect(texts(seen())).toEqual(['begin', 'update "database_backendmessage" as t set "text" = v.s2 from unnest($1::varchar(64)[], $2::text[], $3::text[]) as v(w0, w1, s2) where t."message_id" = v.w0 and t."text" = v.w1', 'rollback'])
  })

  it('a unit of updates and inserts: updates first, then the inserts, in one transaction', async () => {
    await scratch.db.writer.insert(BackendMessage, row(1))
    const seen = watch()
    const unit = {}
    scratch.db.writer.hold(unit)
    const writes = [scratch.db.writer.insert(BackendMessage, row(2), unit), scratch.db.writer.update(BackendMessage, { where: { messageId: 'm1' }, set: { text: 'u' } }, unit)]
    scratch.db.writer.release(unit)
    await Promise.all(writes)
    expect(texts(seen())).toEqual(['begin', 'update "database_backendmessage" as t set "text" = v.s1 from unnest($1::varchar(64)[], $2::text[]) as v(w0, s1) where t."message_id" = v.w0', PG_INSERT, 'commit'])
  })

  it('units of updates and inserts in one batch: one statement that checks the rows each update matched', async () => {
    // Each row changed once: PostgreSQL applies only one change of a row in one statement.
    await scratch.db.writer.insert(BackendMessage, [row(1), row(2), row(3), row(4)])
    const seen = watch()
    const units = [{}, {}]
    const writes = units.flatMap((unit, i) => {
      scratch.db.writer.hold(unit)
      return [
        scratch.db.writer.update(BackendMessage, { where: { messageId: `m${i + 1}` }, set: { text: `u${i + 1}` } }, unit),
        scratch.db.writer.update(BackendMessage, { where: { identity: String(i + 3) }, set: { externalId: `e${i + 3}` } }, unit),
        scratch.db.writer.insert(BackendMessage, row(5 + i), unit),
      ]
    })
    for (const unit of units) scratch.db.writer.release(unit)
    await Promise.all(writes)
    const update = (set: string, setType: string, where: string, whereType: string, n: number) =>
      `update "database_backendmessage" as t set "${set}" = v.s1 from unnest($${n}::${whereType}[], $${n + 1}::${setType}[]) as v(w0, s1) where t."${where}" = v.w0 returning 1`
    expect(seen()).toEqual([
      {
        name: expect.stringMatching(/^rapidsms_write_\d+$/),
        text: `with u0 as (${update('text', 'text', 'message_id', 'varchar(64)', 7)}), u1 as (${update('external_id', 'varchar(64)', 'identity', 'varchar(100)', 9)}), w0 as (${PG_INSERT}) select 1 / (case when (select count(*) from u0) = 2 and (select count(*) from u1) = 2 then 1 else 0 end)`,
        values: [...pgValues(5, 6), '{"m1","m2"}', '{"u1","u2"}', '{"3","4"}', '{"e3","e4"}'],
      },
    ])
    const stored = (await scratch.db.orm.em.fork().find(BackendMessage, {}, { orderBy: { messageId: 'asc' } })).map((r) => [r.messageId, r.text, r.externalId])
    expect(stored).toEqual([
      ['m1', 'u1', ''],
      ['m2', 'u2', ''],
      ['m3', 't3', 'e3'],
      ['m4', 't4', 'e4'],
      ['m5', 't5', ''],
      ['m6', 't6', ''],
    ])
  })

  it('a batch with an update marked beforeInserts: a transaction, its updates first', async () => {
    await scratch.db.writer.insert(BackendMessage, [row(1), row(2)])
    const seen = watch()
    const [moving, other] = [{}, {}]
    scratch.db.writer.hold(moving)
    scratch.db.writer.hold(other)
    const writes = [
      scratch.db.writer.update(BackendMessage, { where: { messageId: 'm1' }, set: { text: 'u' } }, moving, { beforeInserts: true }),
      scratch.db.writer.insert(BackendMessage, row(3), moving),
      scratch.db.writer.insert(BackendMessage, row(4), other),
    ]
    scratch.db.writer.release(moving)
    scratch.db.writer.release(other)
    await Promise.all(writes)
    expect(texts(seen())).toEqual(['begin', 'update "database_backendmessage" as t set "text" = v.s1 from unnest($1::varchar(64)[], $2::text[]) as v(w0, s1) where t."message_id" = v.w0', PG_INSERT, 'commit'])
  })
})

describe.runIf(!onPostgres)('the group-commit writer on SQLite: statements and stored values', () => {
  const scratch = useScratchDatabase({ migrate: true })
  beforeEach(() => scratch.db.clear())
  const sql = <T>(text: string) => scratch.db.orm.em.fork().getConnection().execute<T[]>(text)
  /** What the writer announces to knex's query listeners meanwhile. */
  const announced = async (work: () => Promise<unknown>) => {
    const knex = scratch.db.orm.em.getConnection().getKnex()
    const seen: Record<string, unknown>[] = []
    const listener = (q: Record<string, unknown>) => void seen.push(q)
    knex.on('query', listener)
    try {
      await work()
    } finally {
      knex.off('query', listener)
    }
    return seen
  }
  const INSERT = 'insert into `database_backendmessage` (`name`, `direction`, `date`, `message_id`, `identity`, `text`) values '
  const bindings = (n: number) => ['w', 'O', Date.UTC(2026, 11, 1, 9, 0, n), `m${n}`, String(n), `t${n}`]

  it('one multi-row insert, announced as knex announces a raw query; dates as epoch milliseconds', async () => {
    const seen = await announced(() => scratch.db.writer.insert(BackendMessage, [row(1), row(2)]))
    expect(seen).toEqual([{ method: 'raw', sql: `${INSERT}(?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)`, bindings: [...bindings(1), ...bindings(2)], __knexTxId: undefined }])
    expect(await sql<{ date: unknown; type: string }>('select date, typeof(date) as type from database_backendmessage order by id')).toEqual([
      { date: Date.UTC(2026, 11, 1, 9, 0, 1), type: 'integer' },
      { date: Date.UTC(2026, 11, 1, 9, 0, 2), type: 'integer' },
    ])
  })

  it('an update sets then matches, one statement a change, in a transaction with a numbered id', async () => {
    await scratch.db.writer.insert(BackendMessage, [row(1), row(2)])
    const seen = await announced(() =>
      scratch.db.writer.update(BackendMessage, [
        { where: { messageId: 'm1', identity: '1' }, set: { text: 'x', externalId: 'e' } },
        { where: { messageId: 'm2', identity: '2' }, set: { text: 'y', externalId: 'f' } },
      ]),
    )
    const update = 'update `database_backendmessage` set `text` = ?, `external_id` = ? where `message_id` = ? and `identity` = ?'
    const tx = seen[0]!.__knexTxId
    expect(tx).toMatch(/^rapidsms_writer_trx[1-9]\d*$/)
    expect(seen).toEqual([
      { method: 'raw', sql: update, bindings: ['x', 'e', 'm1', '1'], __knexTxId: tx },
      { method: 'raw', sql: update, bindings: ['y', 'f', 'm2', '2'], __knexTxId: tx },
    ])
  })

  it('a large write goes in statements of a power of two rows, each within the parameter limit, in one transaction', async () => {
    const seen = await announced(() => scratch.db.writer.insert(BackendMessage, Array.from({ length: 12_000 }, (_, n) => row(n))))
    // Six columns: at most 32000 / 6 parameters, so 4096 rows a statement.
    expect(seen.map((q) => (q.bindings as unknown[]).length / 6)).toEqual([4096, 4096, 2048, 1024, 512, 128, 64, 32])
    expect(new Set(seen.map((q) => q.__knexTxId)).size).toBe(1)
    expect(seen[0]!.__knexTxId).toMatch(/^rapidsms_writer_trx[1-9]\d*$/)
    expect((seen[7]!.bindings as unknown[]).slice(-6)).toEqual(bindings(11_999))
    expect(await scratch.db.orm.em.fork().count(BackendMessage, {})).toBe(12_000)
  })

  it('prepares each statement once per connection and keeps it', async () => {
    await scratch.db.writer.insert(BackendMessage, [row(1), row(2)])
    await scratch.db.writer.update(BackendMessage, { where: { messageId: 'm1' }, set: { text: 'x' } })
    const prepare = vi.spyOn(Sqlite.prototype, 'prepare')
    try {
      await scratch.db.writer.insert(BackendMessage, [row(3), row(4)])
      await scratch.db.writer.update(BackendMessage, { where: { messageId: 'm2' }, set: { text: 'y' } })
      expect(prepare).not.toHaveBeenCalled()
      // Another number of rows: another statement, prepared once.
      await scratch.db.writer.insert(BackendMessage, row(5))
      await scratch.db.writer.insert(BackendMessage, row(6))
      expect(prepare.mock.calls.map(([text]) => text)).toEqual([`${INSERT}(?, ?, ?, ?, ?, ?)`])
    } finally {
      prepare.mockRestore()
    }
    expect((await scratch.db.orm.em.fork().find(BackendMessage, {}, { orderBy: { messageId: 'asc' } })).map((r) => r.text)).toEqual(['x', 'y', 't3', 't4', 't5', 't6'])
  })

  it("a statement that rolls its transaction back itself fails the write with that statement's error", async () => {
    await sql("create trigger writer_refuses before insert on database_backendmessage when new.text = 'refused' begin select raise(rollback, 'refused by a trigger'); end")
    try {
      // Two column sets: two statements, in a transaction the trigger ends.
      await expect(scratch.db.writer.insert(BackendMessage, [row(1, { externalId: 'e' }), row(2, { text: 'refused' })])).rejects.toThrow('refused by a trigger')
      await scratch.db.writer.insert(BackendMessage, [row(3, { externalId: 'e' }), row(4)])
    } finally {
      await sql('drop trigger writer_refuses')
    }
    expect((await scratch.db.orm.em.fork().find(BackendMessage, {}, { orderBy: { messageId: 'asc' } })).map((r) => r.messageId)).toEqual(['m3', 'm4'])
  })
})

describe('the group-commit writer: values of every kind, as each database stores them', () => {
  const scratch = useScratchDatabase({ migrate: true })
  beforeEach(() => scratch.db.clear())
  const sql = <T>(text: string) => scratch.db.orm.em.fork().getConnection().execute<T[]>(text)

  it('booleans (SQLite: 1 and 0), a key given as undefined (NULL), dates inserted and updated', async () => {
    const joined = new Date(Date.UTC(2026, 11, 1, 12, 30, 5, 7))
    await scratch.db.writer.insert(App, [
      { module: 'a', active: true },
      { module: 'b', active: false },
    ])
    await scratch.db.writer.insert(User, { username: 'u', password: 'p', isStaff: true, lastLogin: undefined, dateJoined: joined } as never)
    const sqlite = scratch.db.dialect === 'sqlite'
    expect(await sql('select module, active from rapidsms_app order by module')).toEqual([
      { module: 'a', active: sqlite ? 1 : true },
      { module: 'b', active: sqlite ? 0 : false },
    ])
    const [user] = await scratch.db.orm.em.fork().find(User, {})
    expect([user!.isStaff, user!.isSuperuser, user!.lastLogin, user!.dateJoined.toISOString()]).toEqual([true, false, null, joined.toISOString()])
    await scratch.db.writer.update(User, { where: { username: 'u', isStaff: true }, set: { isStaff: false, lastLogin: joined } })
    const [changed] = await scratch.db.orm.em.fork().find(User, {})
    expect([changed!.isStaff, changed!.lastLogin?.toISOString()]).toEqual([false, joined.toISOString()])
  })

  it('texts with only a quote, only a backslash, braces or the word NULL stay themselves', async () => {
    const texts = ['only " a quote', 'only \\ a backslash', 'NULL', 'null', '{a,b}', '"', '\\', '']
    await scratch.db.writer.insert(BackendMessage, texts.map((text, n) => row(n, { text })))
    expect((await scratch.db.orm.em.fork().find(BackendMessage, {}, { orderBy: { messageId: 'asc' } })).map((r) => r.text)).toEqual(texts)
    await scratch.db.writer.update(BackendMessage, texts.map((text, n) => ({ where: { messageId: `m${n}`, text }, set: { externalId: text } })))
    expect((await scratch.db.orm.em.fork().find(BackendMessage, {}, { orderBy: { messageId: 'asc' } })).map((r) => r.externalId)).toEqual(texts)
  })
})
