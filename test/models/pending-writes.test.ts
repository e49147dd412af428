import { beforeEach, describe, expect, it } from 'vitest'
import { BackendMessage } from '../../src/index.js'
import { Backend, Connection, Contact } from '../../src/models/index.js'
import type { EntityManager } from '@mikro-orm/core'
import { queuePending } from '../../src/models/pending-writes.js'
import { useScratchDatabase } from '../support/database.js'

describe("queuePending: an EntityManager's pending rows in a unit of the group-commit writer", () => {
  const scratch = useScratchDatabase({ migrate: true })
  beforeEach(() => scratch.db.clear())
  const em = () => scratch.db.orm.em.fork()
  const message = (n: number) => ({ name: 'w', direction: 'O', date: new Date(Date.UTC(2026, 11, 1, 9, 0, n)), messageId: `m${n}`, identity: String(n), text: `t${n}` })
  const stored = async () => (await em().find(BackendMessage, {}, { orderBy: { messageId: 'asc' } })).map((r) => [r.messageId, r.text, r.externalId])
  /** Queue what `em` has pending in a unit of its own: true once committed, false when a flush is needed. */
  const writePending = async (em: EntityManager, writer = scratch.db.writer, unit = {}) => {
    writer.hold(unit)
    const rows = queuePending(em, writer, unit)
    writer.release(unit)
    if (!rows) return false
    await rows
    return true
  }
  const names = async () => (await em().find(Contact, {}, { orderBy: { id: 'asc' } })).map((c) => c.name)

  it('stores the new rows of concurrent calls, with the defaults and onCreate values a flush would give', async () => {
    const [a, b, c] = [em(), em(), em()]
    a.create(BackendMessage, message(1))
    a.create(BackendMessage, message(2))
    b.create(BackendMessage, message(3))
    c.create(Contact, { name: 'Ann' })
    expect(await Promise.all([writePending(a), writePending(b), writePending(c), writePending(em())])).toEqual([true, true, true, true])
    expect(await stored()).toEqual([
      ['m1', 't1', ''],
      ['m2', 't2', ''],
      ['m3', 't3', ''],
    ])
    const [ann] = await em().find(Contact, {})
    // Contact's language defaults to '' and its created_on comes from onCreate.
    expect([ann!.name, ann!.language, ann!.createdOn instanceof Date]).toEqual(['Ann', '', true])
  })

  it('stores the changes of entities it manages, loaded or references, by their primary key', async () => {
    const seeding = em()
    const [bo, cy] = [seeding.create(Contact, { name: 'Bo' }), seeding.create(Contact, { name: 'Cy' })]
    await seeding.flush()
    const changing = em()
    ;(await changing.findOneOrFail(Contact, bo.id)).name = 'Bob'
    Object.assign(changing.getReference(Contact, cy.id), { name: 'Cyd', language: 'fr' })
    changing.create(BackendMessage, message(4))
    expect(await writePending(changing)).toBe(true)
    expect(await names()).toEqual(['Bob', 'Cyd'])
    expect((await em().findOneOrFail(Contact, cy.id)).language).toBe('fr')
    expect(await stored()).toEqual([['m4', 't4', '']])
  })

  it('writes nothing and says so when a flush is needed: a removal, or a row that refers to another new one', async () => {
    const seeding = em()
    const bo = seeding.create(Contact, { name: 'Bo' })
    await seeding.flush()
    const removing = em()
    removing.remove(await removing.findOneOrFail(Contact, bo.id))
    removing.create(BackendMessage, message(5))
    expect(await writePending(removing)).toBe(false)
    const linking = em()
    const fresh = linking.create(Contact, { name: 'Di' })
    linking.create(Connection, { identity: '5', backend: linking.create(Backend, { name: 'b' }), contact: fresh })
    expect(await writePending(linking)).toBe(false)
    expect(await stored()).toEqual([])
    expect(await names()).toEqual(['Bo'])
  })

  it('commits the rows with the other writes of the unit, together or not at all', async () => {
    const unit = {}
    scratch.db.writer.hold(unit)
    const step = scratch.db.writer.insert(BackendMessage, message(8), unit)
    const results = em()
    results.create(Contact, { name: 'Fay' })
    const rows = queuePending(results, scratch.db.writer, unit)!
    await new Promise((resolve) => setTimeout(resolve, 50))
    // Held: nothing yet.
    expect(await names()).toEqual([])
    scratch.db.writer.release(unit)
    await Promise.all([step, rows])
    expect([await names(), await stored()]).toEqual([['Fay'], [['m8', 't8', '']]])
  })

  it('commits the rows of one call together or not at all', async () => {
    const first = em()
    first.create(BackendMessage, message(6))
    await writePending(first)
    const both = em()
    both.create(Contact, { name: 'Ed' })
    // The same id twice: refused.
    both.create(BackendMessage, { ...message(7), id: (await em().findOneOrFail(BackendMessage, { messageId: 'm6' })).id })
    await expect(writePending(both)).rejects.toThrow()
    expect(await stored()).toEqual([['m6', 't6', '']])
    expect(await names()).toEqual([])
  })
})
