import { beforeEach, describe, expect, it } from 'vitest'
import { Inspector } from '../../src/core/inspection.js'
import type { TimerSource, WakeTime } from '../../src/core/scheduling.js'
import { HostScheduler, ScheduledTask, schedulerEntities, schedulerMigrations } from '../../src/runtime/scheduler/index.js'
import { FakeClock } from '../../src/testing/index.js'
import { schemaWith, useScratchDatabase } from '../support/database.js'

const MINUTE = 60_000
const start = Date.parse('2026-12-01T09:00:00Z')

/** A source over an in-memory table of wake times, recording what it was asked and what fired. */
function tableSource(rows: WakeTime[], clock: FakeClock) {
  const fired: { key: string; at: number; firedAt: number; version: number }[] = []
  const loads: number[] = []
  const source: TimerSource = {
    name: 'table',
    load: async (after, limit) => {
      const sorted = [...rows].sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1))
      const page = sorted.filter((r) => !after || r.at > after.at || (r.at === after.at && r.key > after.key)).slice(0, limit)
      loads.push(page.length)
      return page
    },
    fire: async (wake) => {
      fired.push({ key: wake.key, at: wake.at, firedAt: clock.now(), version: wake.version })
      const i = rows.findIndex((r) => r.key === wake.key)
      if (i >= 0) rows.splice(i, 1)
    },
  }
  return { source, fired, loads }
}

describe('the host scheduler', () => {
  const scratch = useScratchDatabase({ migrate: true, schema: schemaWith({ entities: schedulerEntities, migrations: schedulerMigrations }) })
  beforeEach(() => scratch.db.clear())
  const make = (clock: FakeClock, batch = 1000) => new HostScheduler(clock, scratch.db, new Inspector(clock), { batch })

  it('keeps only the nearest wake times in memory and fires every one at its time, in order, never early', async () => {
    const clock = new FakeClock(start)
    // 250 wake times over 250 minutes, several at the same instant, in no order.
    const rows = Array.from({ length: 250 }, (_, i) => ({ key: `s${String(i).padStart(3, '0')}`, at: start + Math.floor(((i * 7919) % 250) / 2) * MINUTE, version: 1 }))
    const expected = [...rows].sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1)).map((r) => r.key)
    const { source, fired, loads } = tableSource(rows, clock)
    const scheduler = make(clock, 20)
    scheduler.addSource(source)
    await scheduler.start()
    let most = scheduler.armed
    for (let m = 0; m < 130; m++) {
      await clock.advance('1m')
      most = Math.max(most, scheduler.armed)
    }
    await scheduler.stop()
    expect(fired.map((f) => f.key)).toEqual(expected)
    expect(fired.every((f) => f.firedAt === f.at)).toBe(true)
    expect(most).toBeLessThanOrEqual(40)
    expect(loads.length).toBeGreaterThan(10)
  })

  it('fires at once the wake times that fell due while it was not running', async () => {
    const clock = new FakeClock(start)
    const { source, fired } = tableSource([{ key: 'late', at: start - 5 * MINUTE, version: 3 }, { key: 'later', at: start + MINUTE, version: 1 }], clock)
    const scheduler = make(clock)
    scheduler.addSource(source)
    await scheduler.start()
    await clock.runDue()
    expect(fired).toEqual([{ key: 'late', at: start - 5 * MINUTE, firedAt: start, version: 3 }])
    await clock.advance('59s')
    expect(fired).toHaveLength(1)
    await clock.advance('1s')
    expect(fired.map((f) => f.key)).toEqual(['late', 'later'])
    await scheduler.stop()
  })

  it('wake() replaces what was armed for a key, ignores older versions and cancels with at: null', async () => {
    const clock = new FakeClock(start)
    const rows: WakeTime[] = [{ key: 'a', at: start + 10 * MINUTE, version: 1 }]
    const { source, fired } = tableSource(rows, clock)
    const scheduler = make(clock)
    scheduler.addSource(source)
    await scheduler.start()
    scheduler.wake('table', { key: 'a', at: start + 20 * MINUTE, version: 2 })
    scheduler.wake('table', { key: 'a', at: start + 5 * MINUTE, version: 1 })
    scheduler.wake('table', { key: 'b', at: start + 30 * MINUTE, version: 1 })
    scheduler.wake('table', { key: 'c', at: start + 40 * MINUTE, version: 1 })
    scheduler.wake('table', { key: 'c', at: null })
    await clock.advance('1h')
    expect(fired.map((f) => [f.key, f.version, (f.at - start) / MINUTE])).toEqual([
      ['a', 2, 20],
      ['b', 1, 30],
    ])
    await scheduler.stop()
  })

  it('does not lose a wake time armed while a page of them is loading', async () => {
    const clock = new FakeClock(start)
    const rows: WakeTime[] = Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, at: start + (i + 1) * MINUTE, version: 1 }))
    const { source, fired } = tableSource(rows, clock)
    let asked!: () => void
    let open!: () => void
    const loading = new Promise<void>((resolve) => (asked = resolve))
    const gate = new Promise<void>((resolve) => (open = resolve))
    // Pages after the first are read, then held at the gate: what is armed meanwhile is not in them.
    const slow: TimerSource = {
      ...source,
      load: async (after, limit) => {
        const page = await source.load(after, limit)
        if (after) asked(), await gate
        return page
      },
    }
    const scheduler = make(clock, 2)
    scheduler.addSource(slow)
    await scheduler.start()
    // k0 and k1 are in memory; once k1 fired the next page is loaded, and k9 is armed meanwhile.
    const advancing = clock.advance('2m')
    await loading
    rows.push({ key: 'k9', at: start + 3.5 * MINUTE, version: 1 })
    scheduler.wake('table', { key: 'k9', at: start + 3.5 * MINUTE, version: 1 })
    open()
    await advancing
    await clock.advance('10m')
    expect(fired.map((f) => f.key)).toEqual(['k0', 'k1', 'k2', 'k9', 'k3', 'k4'])
    await scheduler.stop()
  })

  it('runs periodic tasks on their cron schedule, in their time zone, until stopped', async () => {
    const clock = new FakeClock(start)
    const scheduler = make(clock)
    await scheduler.start()
    const runs: string[] = []
    const task = scheduler.schedule('0 9 * * *', () => void runs.push(new Date(clock.now()).toISOString()), { timeZone: 'Africa/Nairobi' })
    expect(task.nextRun()!.toISOString()).toBe('2026-12-02T06:00:00.000Z')
    await clock.advance('3d')
    expect(runs).toEqual(['2026-12-02T06:00:00.000Z', '2026-12-03T06:00:00.000Z', '2026-12-04T06:00:00.000Z'])
    task.stop()
    expect(task.nextRun()).toBeNull()
    await clock.advance('3d')
    expect(runs).toHaveLength(3)
    expect(() => scheduler.schedule('every day', () => undefined)).toThrow('"every day" is not a cron expression')
    await scheduler.stop()
  })

  it('stores runAt() tasks, runs them when due even after a restart, and then forgets them', async () => {
    const clock = new FakeClock(start)
    const first = make(clock)
    await first.start()
    const ran: unknown[] = []
    first.task('greet', (payload) => void ran.push(payload))
    await first.runAt(new Date(start + 10 * MINUTE), 'greet', { to: 'Ann' })
    await first.runAt(new Date(start + 90 * MINUTE), 'greet', { to: 'Bo' })
    await first.runAt(new Date(start + 100 * MINUTE), 'unknown', null)
    await clock.advance('20m')
    expect(ran).toEqual([{ to: 'Ann' }])
    await first.stop()
    // Down for two hours: the second task fell due meanwhile and runs when the next host starts.
    await clock.advance('2h')
    const second = make(clock)
    second.task('greet', (payload) => void ran.push(payload))
    await second.start()
    await clock.runDue()
    expect(ran).toEqual([{ to: 'Ann' }, { to: 'Bo' }])
    const left = await scratch.db.orm.em.fork().find(ScheduledTask, {})
    expect(left.map((t) => t.task)).toEqual(['unknown'])
    await second.stop()
  })
})
