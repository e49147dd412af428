import { afterEach, describe, expect, it, vi } from 'vitest'
import { backoffDelay, BackendActor, deliveryPolicy, isRetryable, DEFAULT_POLICY } from '../../actors/backend.actor.js'
import type { RouterServices } from '../../src/apps/router.js'
import { BackendBase } from '../../src/backends/base.js'
import { systemClock, type Clock } from '../../src/core/clock.js'
import { BackendSendError, ConfigError } from '../../src/core/errors.js'
import { FakeClock } from '../../src/testing/fake-clock.js'
import { captureLogs } from '../support/logs.js'

/** A backend whose send() does what the test says, recording each call. */
class ScriptedBackend extends BackendBase {
  calls: { id: string; identities: string[]; at: number }[] = []
  outcomes: (Error | undefined)[] = []
  hold: Promise<void> | undefined
  inside = 0
  maxInside = 0
  override async send(id: string, _text: string, identities: string[]): Promise<void> {
    this.calls.push({ id, identities, at: this.router.clock.now() })
    this.inside++
    this.maxInside = Math.max(this.maxInside, this.inside)
    try {
      if (this.hold) await this.hold
      const outcome = this.outcomes.shift()
      if (outcome) throw outcome
    } finally {
      this.inside--
    }
  }
}

/** A backend and its actor on one clock (by default the machine's, which follows vitest's fake timers). */
const make = (config: Record<string, unknown> = {}, clock: Clock = systemClock) => {
  const backend = new ScriptedBackend({ clock } as RouterServices, 'gw', { retry_delay_ms: 1, ...config })
  return { backend, actor: new BackendActor(backend, { clock }) }
}
const status = (code: number) => new BackendSendError('gw', `answered ${code}`, { status: code, retryable: code >= 500 })

describe('the backend actor', () => {
  afterEach(() => vi.useRealTimers())

  it.each([
    ['a 500', status(500), true],
    ['a 503', status(503), true],
    ['a 400', status(400), false],
    ['a 404', status(404), false],
    ['a 4xx even if marked retryable', new BackendSendError('gw', 'x', { status: 429, retryable: true }), false],
    ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), true],
    ['a refused connection', Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }), true],
    ['a reset connection', Object.assign(new Error('reset'), { code: 'ECONNRESET' }), true],
    ['a programming error', new TypeError('x is not a function'), false],
  ])('%s is retryable: %s', (_, error, expected) => {
    expect(isRetryable(error)).toBe(expected)
  })

  it('retries 5xx until it succeeds, logging each outcome with the message id', async () => {
    const logs = captureLogs('info')
    const { backend, actor } = make({ retries: 3 })
    backend.outcomes = [status(503), status(500)]
    expect(await actor.deliver('m1', 'hi', ['1'], {})).toBe(true)
    logs.stop()
    expect(backend.calls).toHaveLength(3)
    expect(actor).toMatchObject({ sent: 1, failed: 0, retried: 2 })
    expect(logs.lines.filter((l) => l.name === 'rapidsms.backends.gw').map((l) => [l.msg, l.msgId])).toEqual([
      ['gw failed to send; retrying', 'm1'],
      ['gw failed to send; retrying', 'm1'],
      ['sent', 'm1'],
    ])
  })

  it('waits its backoff before each retry: nothing is sent early, each gap within its jittered step', async () => {
    const clock = new FakeClock(0)
    const { backend, actor } = make({ retries: 3, retry_delay_ms: 1000, retry_max_delay_ms: 60_000 }, clock)
    backend.outcomes = [status(503), status(500), status(502)]
    const delivered = actor.deliver('m5', 'hi', ['1'], {})
    await clock.runDue()
    expect(backend.calls.map((c) => c.at)).toEqual([0])
    // The first retry waits at least half of its 1 s step.
    await clock.advance(499)
    expect(backend.calls).toHaveLength(1)
    await clock.advance('10s')
    expect(await delivered).toBe(true)
    expect(backend.calls).toHaveLength(4)
    // Retry n waits between half and all of its step, 1000 * 2^(n-1) ms.
    const gaps = backend.calls.slice(1).map((c, i) => c.at - backend.calls[i]!.at)
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(500 * 2 ** i)
      expect(gap).toBeLessThanOrEqual(1000 * 2 ** i)
    })
  })

  it('never retries a 4xx, and reports the failure as RapidSMS does', async () => {
    const logs = captureLogs('info')
    const { backend, actor } = make({ retries: 3 })
    backend.outcomes = [status(403)]
    expect(await actor.deliver('m2', 'hi', ['1'], {})).toBe(false)
    logs.stop()
    expect(backend.calls).toHaveLength(1)
    expect(logs.lines.find((l) => l.level === 50)).toMatchObject({ msg: 'gw encountered an error while sending.', msgId: 'm2', attempts: 1 })
  })

  it('gives up after `retries` more attempts', async () => {
    const { backend, actor } = make({ retries: 2 })
    backend.outcomes = [status(500), status(500), status(500), status(500)]
    expect(await actor.deliver('m3', 'hi', ['1'], {})).toBe(false)
    expect(backend.calls).toHaveLength(3)
    expect(actor.failed).toBe(1)
  })

  it('retries only the identities that failed', async () => {
    const { backend, actor } = make()
    backend.outcomes = [new BackendSendError('gw', 'partial', { retryable: true, failedIdentities: ['2'] })]
    expect(await actor.deliver('m4', 'hi', ['1', '2', '3'], {})).toBe(true)
    expect(backend.calls.map((c) => c.identities)).toEqual([['1', '2', '3'], ['2']])
  })

  it('keeps at most max_concurrency sends in flight', async () => {
    const { backend, actor } = make({ max_concurrency: 2 })
    let release!: () => void
    backend.hold = new Promise((r) => (release = r))
    const all = Promise.all(Array.from({ length: 6 }, (_, i) => actor.deliver(`m${i}`, 'x', ['1'], {})))
    await new Promise((r) => setTimeout(r, 20))
    expect(backend.calls).toHaveLength(2)
    release()
    expect(await all).toEqual(Array(6).fill(true))
    expect(backend.maxInside).toBe(2)
  })

  it('spaces sends 1/rate_limit seconds apart', async () => {
    vi.useFakeTimers({ now: 0 })
    const { backend, actor } = make({ rate_limit: 4 })
    const all = Promise.all(Array.from({ length: 3 }, (_, i) => actor.deliver(`m${i}`, 'x', ['1'], {})))
    await vi.advanceTimersByTimeAsync(1000)
    await all
    expect(backend.calls.map((c) => c.at)).toEqual([0, 250, 500])
  })

  /** A gateway that takes one identity per request (as the generic HTTP backend). */
  class OnePerRequest extends ScriptedBackend {
    override get identitiesPerRequest(): number {
      return 1
    }
  }

  it('a paced backend taking one identity per request gets one paced send per identity; failures name theirs', async () => {
    vi.useFakeTimers({ now: 0 })
    const backend = new OnePerRequest({ clock: systemClock } as RouterServices, 'gw', { retry_delay_ms: 1, rate_limit: 4, retries: 0 })
    const actor = new BackendActor(backend, { clock: systemClock })
    backend.outcomes = [undefined, status(400)]
    const outcome = actor.deliverReporting('m1', 'x', ['1', '2', '3'], {})
    await vi.advanceTimersByTimeAsync(1000)
    expect(await outcome).toEqual({ sent: false, failedIdentities: ['2'], error: 'BackendSendError: gw: answered 400' })
    expect(backend.calls.map((c) => [c.identities, c.at])).toEqual([[['1'], 0], [['2'], 250], [['3'], 500]])
  })

  it('an unpaced backend gets every identity in one send, whatever it takes per request', async () => {
    const backend = new OnePerRequest({ clock: systemClock } as RouterServices, 'gw', {})
    expect(await new BackendActor(backend).deliver('m1', 'x', ['1', '2', '3'], {})).toBe(true)
    expect(backend.calls.map((c) => c.identities)).toEqual([['1', '2', '3']])
  })

  it('backs off exponentially with jitter, up to the cap', () => {
    const policy = { ...DEFAULT_POLICY, retryDelayMs: 100, retryMaxDelayMs: 1000 }
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, () => 0))).toEqual([50, 100, 200, 400, 500])
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, () => 1))).toEqual([100, 200, 400, 800, 1000])
  })

  it.each([
    [{ rate_limit: 0 }, 'rate_limit'],
    [{ rate_limit: 'fast' }, 'rate_limit'],
    [{ max_concurrency: 1.5 }, 'max_concurrency'],
    [{ retries: -1 }, 'retries'],
    [{ retry_delay_ms: 'soon' }, 'retry_delay_ms'],
  ])('%j is a setting error naming backends.gw.%s', (config, key) => {
    expect(() => deliveryPolicy('gw', config)).toThrow(ConfigError)
    expect(() => deliveryPolicy('gw', config)).toThrow(`"backends.gw.${key}"`)
  })
})
