import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../src/testing/index.js'

describe('FakeClock', () => {
  it('fires timers in the order they fall due, each at its own time, ties in arming order', async () => {
    const clock = new FakeClock(0)
    const fired: [string, number][] = []
    clock.setTimeout(() => fired.push(['b', clock.now()]), 2000)
    clock.setTimeout(() => fired.push(['a', clock.now()]), 1000)
    clock.setTimeout(() => fired.push(['c', clock.now()]), 2000)
    clock.setTimeout(() => fired.push(['late', clock.now()]), 5000)
    await clock.advance('3s')
    expect(fired).toEqual([['a', 1000], ['b', 2000], ['c', 2000]])
    expect(clock.now()).toBe(3000)
    expect(clock.pending).toBe(1)
  })

  it('never fires a timer early, and fires timers armed by timers that fire', async () => {
    const clock = new FakeClock(0)
    const fired: number[] = []
    clock.setTimeout(() => {
      fired.push(clock.now())
      clock.setTimeout(() => fired.push(clock.now()), 500)
    }, 1000)
    await clock.advance(1499)
    expect(fired).toEqual([1000])
    await clock.advance(1)
    expect(fired).toEqual([1000, 1500])
  })

  it('waits for the work a timer returns before the next one', async () => {
    const clock = new FakeClock(0)
    const order: string[] = []
    clock.setTimeout(async () => {
      await new Promise((r) => setTimeout(r, 5))
      order.push('first done')
    }, 10)
    clock.setTimeout(() => order.push('second'), 20)
    await clock.advance(100)
    expect(order).toEqual(['first done', 'second'])
  })

  it('repeats intervals and cancels timers', async () => {
    const clock = new FakeClock(0)
    const ticks: number[] = []
    const interval = clock.setInterval(() => ticks.push(clock.now()), 100)
    const never = clock.setTimeout(() => ticks.push(-1), 150)
    never.cancel()
    await clock.advance(350)
    interval.cancel()
    await clock.advance(1000)
    expect(ticks).toEqual([100, 200, 300])
    expect(clock.pending).toBe(0)
  })

  it('resolves sleep() only when time has moved on past it', async () => {
    const clock = new FakeClock(new Date('2026-12-01T00:00:00Z'))
    let woke = false
    const sleeping = clock.sleep(60_000).then(() => (woke = true))
    await clock.advance('59s')
    expect(woke).toBe(false)
    await clock.advance('1s')
    await sleeping
    expect(clock.date().toISOString()).toBe('2026-12-01T00:01:00.000Z')
  })

  it('rejects advance() with the error a timer threw, after moving time on', async () => {
    const clock = new FakeClock(0)
    const after: number[] = []
    clock.setTimeout(() => {
      throw new Error('boom')
    }, 10)
    clock.setTimeout(() => after.push(clock.now()), 20)
    await expect(clock.advance(50)).rejects.toThrow('boom')
    expect(after).toEqual([20])
    expect(clock.now()).toBe(50)
  })
})
