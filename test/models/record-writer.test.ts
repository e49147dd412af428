import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BackendMessage } from '../../src/index.js'
import { Backend, Connection, Contact, type Database } from '../../src/models/index.js'
import { isoString } from '../../src/models/record-writer.js'
import { useScratchDatabase } from '../support/database.js'

/**
 * Counts the commits that inserted rows into a table, to tell "in one batch" from "one write
 * at a time". PostgreSQL: the distinct transaction ids (`xmin`) of the table's rows. SQLite,
 * which has none: the INSERT statements into the table seen on the connection, statements of
 * one transaction counted once.
 */
function commitWatch(db: Database): { commitsInto(table: string): Promise<number>; stop(): void } {
  const knex = db.orm.em.getConnection().getKnex()
  const units = new Map<string, Set<string>>()
  let n = 0
  const listener = (query: { sql: string; __knexTxId?: string }) => {
    const table = /^insert into [`"]([^`"]+)[`"]/i.exec(query.sql)?.[1]
    if (!table) return
    if (!units.has(table)) units.set(table, new Set())
    units.get(table)!.add(query.__knexTxId ?? `statement ${n++}`)
  }
  if (db.dialect === 'sqlite') knex.on('query', listener)
  return {
    async commitsInto(table) {
      if (db.dialect === 'sqlite') return units.get(table)?.size ?? 0
      const [row] = await db.orm.em.getConnection().execute<{ n: number | string }[]>(`select count(distinct xmin::text) as n from ${table}`)
      return Number(row!.n)
    },
    stop: () => void knex.off('query', listener),
  }
}

/** Texts that break naive quoting: array literals, SQL, escapes, Unicode, emptiness. */
const TEXTS = ['plain', 'a"b\\c{d},e', 'NULL', '', "it's; drop table x --", 'مرحبا ✓ é', 'line\nbreak\ttab', '{}', ' spaced ']

describe('the group-commit writer', () => {
  const scratch = useScratchDatabase({ migrate: true })
  let watch: ReturnType<typeof commitWatch>
  beforeEach(async () => {
    await scratch.db.clear()
    watch = commitWatch(scratch.db)
  })
  afterEach(() => watch.stop())
  const row = (n: number, extra: Partial<BackendMessage> = {}) => ({
    name: 'w',
    direction: 'O',
    date: new Date(Date.UTC(2026, 10, 27, 10, 0, n % 60)),
    messageId: `m${n}`,
    identity: String(n),
    text: TEXTS[n % TEXTS.length]!,
    ...extra,
  })

  it('commits rows of concurrent writers, with values read back as written', async () => {
    await Promise.all(Array.from({ length: 300 }, (_, n) => scratch.db.writer.insert(BackendMessage, row(n))))
    const rows = await scratch.db.orm.em.fork().find(BackendMessage, {}, { orderBy: { id: 'asc' } })
    expect(rows).toHaveLength(300)
    const by = new Map(rows.map((r) => [r.messageId, r]))
    for (let n = 0; n < 300; n++) {
      const r = by.get(`m${n}`)!
      expect([r.name, r.direction, r.identity, r.text, r.externalId]).toEqual(['w', 'O', String(n), TEXTS[n % TEXTS.length], ''])
      expect(r.date.toISOString()).toBe(row(n).date.toISOString())
    }
  })

  it('writes relations given as entities or ids, and rows of several tables in one batch', async () => {
    const em = scratch.db.orm.em.fork()
    const backend = em.create(Backend, { name: 'b' })
    await em.flush()
    const contact = em.create(Contact, { name: 'Ann', language: 'fr' })
    await em.flush()
    const now = new Date()
    await Promise.all([
      scratch.db.writer.insert(Connection, { backend, identity: '1', contact, createdOn: now, modifiedOn: now }),
      scratch.db.writer.insert(Connection, { backend: backend.id, identity: '2', contact: null, createdOn: now, modifiedOn: now }),
      scratch.db.writer.insert(BackendMessage, row(1)),
    ])
    const connections = await scratch.db.orm.em.fork().find(Connection, {}, { orderBy: { identity: 'asc' }, populate: ['contact'] })
    expect(connections.map((c) => [c.identity, c.contact?.name ?? null])).toEqual([
      ['1', 'Ann'],
      ['2', null],
    ])
    expect(await scratch.db.orm.em.fork().count(BackendMessage, {})).toBe(1)
    // One batch: both tables' rows in one commit (PostgreSQL: the very same transaction).
    expect([await watch.commitsInto('rapidsms_connection'), await watch.commitsInto('database_backendmessage')]).toEqual([1, 1])
  })

  it('writes rows of one table with different keys in one batch: missing columns get their defaults, unknown keys are ignored', async () => {
    const { externalId: _, ...withoutExternalId } = { ...row(2), externalId: '' }
    await Promise.all([
      scratch.db.writer.insert(BackendMessage, row(1, { externalId: 'x1' })),
      scratch.db.writer.insert(BackendMessage, withoutExternalId),
      scratch.db.writer.insert(BackendMessage, [row(3, { externalId: 'x3' }), { ...row(4), note: 'not a column' } as ReturnType<typeof row>, row(5, { externalId: 'x5' })]),
    ])
    const rows = await scratch.db.orm.em.fork().find(BackendMessage, {}, { orderBy: { messageId: 'asc' } })
    expect(rows.map((r) => [r.messageId, r.externalId, r.text])).toEqual([1, 2, 3, 4, 5].map((n) => [`m${n}`, n % 2 ? `x${n}` : '', TEXTS[n % TEXTS.length]]))
    // Two column sets: two statements, one transaction.
    expect(await watch.commitsInto('database_backendmessage')).toBe(1)
  })

  it('commits the rows of writers queued in the same turn together, in one commit', async () => {
    await Promise.all(Array.from({ length: 300 }, (_, n) => scratch.db.writer.insert(BackendMessage, row(n))))
    expect(await scratch.db.orm.em.fork().count(BackendMessage, {})).toBe(300)
    expect(await watch.commitsInto('database_backendmessage')).toBe(1)
    // Writers queued later make a batch of their own.
    await Promise.all(Array.from({ length: 10 }, (_, n) => scratch.db.writer.insert(BackendMessage, row(300 + n))))
    expect(await watch.commitsInto('database_backendmessage')).toBe(2)
  })

  it('fails only the writer whose row is bad; the others in the batch are committed', async () => {
    const results = await Promise.allSettled([
      scratch.db.writer.insert(BackendMessage, row(1)),
      scratch.db.writer.insert(BackendMessage, row(2, { text: null as unknown as string })),
      scratch.db.writer.insert(BackendMessage, row(3)),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    const ids = (await scratch.db.orm.em.fork().find(BackendMessage, {})).map((r) => r.messageId).sort()
    expect(ids).toEqual(['m1', 'm3'])
  })

  it('a failed batch of several tables commits nothing; its replay commits each good write exactly once', async () => {
    // The bad row is in the batch's second statement (the second table's), so a batch that
    // was not atomic would have committed the first table's rows before failing, and the
    // replay would commit them again.
    const now = new Date()
    const contact = (name: string) => ({ name, language: 'fr', createdOn: now, modifiedOn: now })
    const results = await Promise.allSettled([
      scratch.db.writer.insert(Contact, [contact('Ann'), contact('Bob')]),
      scratch.db.writer.insert(BackendMessage, row(1)),
      scratch.db.writer.insert(BackendMessage, row(2, { text: null as unknown as string })),
      scratch.db.writer.insert(Contact, contact('Cy')),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled'])
    const em = scratch.db.orm.em.fork()
    expect((await em.find(Contact, {}, { orderBy: { name: 'asc' } })).map((c) => c.name)).toEqual(['Ann', 'Bob', 'Cy'])
    expect((await em.find(BackendMessage, {})).map((r) => r.messageId)).toEqual(['m1'])
  })

  it('splits a write larger than the parameter limit and commits all of it', async () => {
    const rows = Array.from({ length: 12_000 }, (_, n) => row(n))
    await scratch.db.writer.insert(BackendMessage, rows)
    expect(await scratch.db.orm.em.fork().count(BackendMessage, {})).toBe(12_000)
  })
})

describe('isoString', () => {
  it('is toISOString, for any time of any day, before 1970 and after 9999 too', () => {
    const edges = [0, -1, 1, 86_399_999, 86_400_000, -86_400_000, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), -62_198_755_200_001, 8.64e15, -8.64e15]
    const random = Array.from({ length: 5000 }, (_, i) => Math.round(Math.sin(i + 1) * 4e14))
    for (const ms of [...edges, ...random]) expect(isoString(new Date(ms))).toBe(new Date(ms).toISOString())
    expect(() => isoString(new Date(NaN))).toThrow(RangeError)
  })
})
