import { defineEntity, JsonType, Type, type Platform, type TransformContext } from '@mikro-orm/core'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { useScratchDatabase } from '../support/database.js'

/**
 * Entities of this test only, whose table and property names run into each other when
 * joined (`ab` + `c`, `a` + `bc`; table `writer_probe` + `xa`, `writer_probex` + `a`): the
 * writer must keep rows and changes of such keys apart. Ids are given (last, so the keys still
 * run together), since PostgreSQL numbers the rows of one statement's inserts in no set order. Also properties that are no column of
 * the table: a relation to many (with and without field names) and a property not persisted.
 * And custom types, whose own conversion the writer must use.
 */

/** Writes down the context MikroORM converts in: the writer converts as for a query. */
class Labelled extends Type<string | null, string | null> {
  override convertToDatabaseValue(value: string | null, _platform: Platform, context?: TransformContext): string | null {
    return `${context?.mode ?? 'no mode'}:${value}`
  }
  override getColumnType(): string {
    return 'text'
  }
}

/** MikroORM's JSON type with a conversion of its own, which PostgreSQL's fast path for JSON must not skip. */
class Wrapped extends JsonType {
  override convertToDatabaseValue(value: unknown): string | null {
    return value == null ? null : JSON.stringify({ wrapped: value })
  }
}

const WriterTag = defineEntity({
  name: 'WriterTag',
  tableName: 'writer_tag',
  properties: (p) => ({ id: p.integer().primary().autoincrement(), name: p.string().nullable() }),
})
const WriterProbe = defineEntity({
  name: 'WriterProbe',
  tableName: 'writer_probe',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    ab: p.string().nullable(),
    c: p.string().nullable(),
    a: p.string().nullable(),
    bc: p.string().nullable(),
    xa: p.string().nullable(),
    z: p.string().nullable(),
    derived: p.string().persist(false).nullable(),
    label: p.type(Labelled).nullable(),
    wrapped: p.type(Wrapped).nullable(),
    children: () => p.oneToMany(WriterProbeX).mappedBy('parent'),
    tags: () => p.manyToMany(WriterTag),
  }),
})
const WriterProbeX = defineEntity({
  name: 'WriterProbeX',
  tableName: 'writer_probex',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    a: p.string().nullable(),
    z: p.string().nullable(),
    parent: () => p.manyToOne(WriterProbe).nullable(),
  }),
})

const COLUMNS = ['ab', 'c', 'a', 'bc', 'xa', 'z']

describe('the group-commit writer: keys whose names run together, keys that are no column', () => {
  const scratch = useScratchDatabase({ migrate: false, schema: { entities: [WriterProbe, WriterProbeX, WriterTag], migrations: [] } })
  const sql = <T>(text: string) => scratch.db.orm.em.fork().getConnection().execute<T[]>(text)
  const writer = () => scratch.db.writer
  beforeAll(async () => {
    const [id, text] = scratch.db.dialect === 'postgresql' ? ['id serial primary key', 'varchar(255)'] : ['id integer primary key autoincrement', 'text']
    const json = scratch.db.dialect === 'postgresql' ? 'json' : 'text'
    await sql(`create table writer_probe (${id}, ${COLUMNS.map((c) => `${c} ${text}`).join(', ')}, label text, wrapped ${json})`)
    await sql(`create table writer_probex (${id}, a ${text}, z ${text}, parent_id integer)`)
  })
  beforeEach(async () => {
    await sql('delete from writer_probe')
    await sql('delete from writer_probex')
  })
  const probes = async () => (await sql<Record<string, unknown>>(`select ${COLUMNS.join(', ')} from writer_probe order by id`)).map((r) => COLUMNS.map((c) => r[c]))
  const probeXs = async () => (await sql<{ a: unknown; z: unknown }>('select a, z from writer_probex order by id')).map((r) => [r.a, r.z])

  it('rows of one write, and of two tables in one unit, each land in their own columns', async () => {
    await writer().insert(WriterProbe, [{ ab: '1', c: '2', id: 1 }, { a: '3', bc: '4', id: 2 }] as never)
    const unit = {}
    writer().hold(unit)
    const writes = [writer().insert(WriterProbe, { xa: '5', id: 3 } as never, unit), writer().insert(WriterProbeX, { a: '6', id: 1 } as never, unit)]
    writer().release(unit)
    await Promise.all(writes)
    expect(await probes()).toEqual([
      ['1', '2', null, null, null, null],
      [null, null, '3', '4', null, null],
      [null, null, null, null, '5', null],
    ])
    expect(await probeXs()).toEqual([['6', null]])
  })

  it('changes of one write, and of two tables in one unit, each match and set their own columns', async () => {
    await writer().insert(WriterProbe, [{ ab: 'x', c: 'y', id: 1 }, { a: 'x', bc: 'y', id: 2 }, { xa: 'k', id: 3 }] as never)
    await writer().insert(WriterProbeX, { a: 'k', id: 1 } as never)
    await writer().update(WriterProbe, [
      { where: { ab: 'x', c: 'y' }, set: { z: '1' } },
      { where: { a: 'x', bc: 'y' }, set: { z: '2' } },
    ] as never)
    expect((await probes()).map((r) => r[5])).toEqual(['1', '2', null])
    await writer().update(WriterProbe, [
      { where: { a: 'x' }, set: { bc: 'p' } },
      { where: { ab: 'x' }, set: { c: 'q' } },
    ] as never)
    expect((await probes()).map((r) => [r[1], r[3]])).toEqual([
      ['q', null],
      [null, 'p'],
      [null, null],
    ])
    await writer().update(WriterProbe, [
      { where: { z: '1' }, set: { ab: 'r', c: 's' } },
      { where: { z: '2' }, set: { a: 't', bc: 'u' } },
    ] as never)
    const unit = {}
    writer().hold(unit)
    const writes = [writer().update(WriterProbe, { where: { xa: 'k' }, set: { z: 'probe' } } as never, unit), writer().update(WriterProbeX, { where: { a: 'k' }, set: { z: 'probex' } } as never, unit)]
    writer().release(unit)
    await Promise.all(writes)
    expect(await probes()).toEqual([
      ['r', 's', null, null, null, '1'],
      [null, null, 't', 'u', null, '2'],
      [null, null, null, null, 'k', 'probe'],
    ])
    expect(await probeXs()).toEqual([['k', 'probex']])
  })

  it('relations to many and properties not persisted are left out of inserts and changes', async () => {
    await writer().insert(WriterProbe, { ab: 'k', derived: 'not stored', tags: [], children: [], id: 1 } as never)
    await writer().update(WriterProbe, { where: { ab: 'k' }, set: { c: 'v', derived: 'no', tags: [], children: [] } } as never)
    expect(await probes()).toEqual([['k', 'v', null, null, null, null]])
  })

  it("custom types convert with their own conversion, as for a query; null stays NULL", async () => {
    await writer().insert(WriterProbe, [
      { label: 'v', wrapped: { a: 1 }, id: 1 },
      { label: null, wrapped: null, id: 2 },
    ] as never)
    await writer().insert(WriterProbe, { label: 'w', wrapped: ['x'], id: 3 } as never)
    await writer().update(WriterProbe, { where: { id: 3 }, set: { label: 'u', wrapped: 'y' } } as never)
    const stored = await sql<{ label: string | null; wrapped: string | null }>('select label, cast(wrapped as text) as wrapped from writer_probe order by id')
    expect(stored.map((r) => [r.label, r.wrapped === null ? null : JSON.parse(r.wrapped)])).toEqual([
      ['query:v', { wrapped: { a: 1 } }],
      [null, null],
      ['query:u', { wrapped: 'y' }],
    ])
  })
})
