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

  // Plain tables in one test each (not it.each): every case runs against every mutant.
  it('retries 5xx answers, timeouts and connection errors; never a 4xx or a programming error', () => {
    const cases: [string, unknown, boolean][] = [
      ['a 500', status(500), true],
      ['a 503', status(503), true],
      ['a 599', new BackendSendError('gw', 'x', { status: 599 }), true],
      ['a 500 not marked either way', new BackendSendError('gw', 'x', { status: 500 }), true],
      ['a 500 marked final', new BackendSendError('gw', 'x', { status: 500, retryable: false }), false],
      ['a 499', new BackendSendError('gw', 'x', { status: 499 }), false],
      ['a 400', status(400), false],
      ['a 404', status(404), false],
      ['a 4xx even if marked retryable', new BackendSendError('gw', 'x', { status: 429, retryable: true }), false],
      ['a 399 marked retryable', new BackendSendError('gw', 'x', { status: 399, retryable: true }), true],
      ['a 399', new BackendSendError('gw', 'x', { status: 399 }), false],
      ['no status, marked retryable', new BackendSendError('gw', 'x', { retryable: true }), true],
      ['no status, not marked', new BackendSendError('gw', 'x', {}), false],
      ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), true],
      ['a refused connection', Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }), true],
      ['a reset connection', Object.assign(new Error('reset'), { code: 'ECONNRESET' }), true],
      ['an unknown code', Object.assign(new Error('odd'), { code: 'EWHATEVER' }), false],
      ['a programming error', new TypeError('x is not a function'), false],
      ['nothing', undefined, false],
    ]
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
      cases.push([code, Object.assign(new Error(code), { code }), true])
    }
    // A cause is followed four deep (fetch wraps undici's error, which wraps the socket's).
    const wrapped = (depth: number): unknown => (depth === 0 ? Object.assign(new Error('socket'), { code: 'ECONNRESET' }) : Object.assign(new Error(`wrap ${depth}`), { cause: wrapped(depth - 1) }))
    cases.push(['a reset three causes deep', wrapped(3), true], ['a reset four causes deep', wrapped(4), false])
    expect(cases.map(([what, error]) => [what, isRetryable(error)])).toEqual(cases.map(([what, , retryable]) => [what, retryable]))
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

  it('keeps at most max_concurrency sends in flight, counts them, and gives every slot back', async () => {
    const { backend, actor } = make({ max_concurrency: 2 })
    let release!: () => void
    backend.hold = new Promise((r) => (release = r))
    const all = Promise.all(Array.from({ length: 6 }, (_, i) => actor.deliver(`m${i}`, 'x', ['1'], {})))
    await new Promise((r) => setTimeout(r, 20))
    expect(backend.calls).toHaveLength(2)
    expect(actor.inFlight).toBe(2)
    release()
    expect(await all).toEqual(Array(6).fill(true))
    expect(backend.maxInside).toBe(2)
    expect(actor.inFlight).toBe(0)
    // Later sends go straight through: the slots were all given back.
    backend.hold = undefined
    expect(await Promise.all([actor.deliver('n1', 'x', ['1'], {}), actor.deliver('n2', 'x', ['1'], {})])).toEqual([true, true])
    expect([backend.calls.length, actor.inFlight]).toEqual([8, 0])
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

  it('a bad delivery setting is a setting error naming backends.<name>.<key> and what it takes', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ rate_limit: 0 }, 'rate_limit', 'a number'],
      [{ rate_limit: 'fast' }, 'rate_limit', 'a number'],
      [{ rate_limit: Infinity }, 'rate_limit', 'a number'],
      [{ rate_limit: NaN }, 'rate_limit', 'a number'],
      [{ max_concurrency: 1.5 }, 'max_concurrency', 'a whole number >= 1'],
      [{ max_concurrency: 0 }, 'max_concurrency', 'a whole number >= 1'],
      [{ retries: -1 }, 'retries', 'a whole number >= 0'],
      [{ retry_delay_ms: 'soon' }, 'retry_delay_ms', 'a whole number >= 0'],
      [{ retry_max_delay_ms: 2.5 }, 'retry_max_delay_ms', 'a whole number >= 0'],
    ]
    for (const [config, key, expected] of cases) {
      let error: unknown
      try {
        deliveryPolicy('gw', config)
      } catch (e) {
        error = e
      }
      expect(error, JSON.stringify(config)).toBeInstanceOf(ConfigError)
      expect(String((error as Error).message), JSON.stringify(config)).toContain(`"backends.gw.${key}"`)
      expect(String((error as Error).message), JSON.stringify(config)).toContain(`expected ${expected}`)
    }
    expect(deliveryPolicy('gw', { rate_limit: 0.5, max_concurrency: 1, retries: 0, retry_delay_ms: 0, retry_max_delay_ms: 0 })).toEqual({ rateLimit: 0.5, maxConcurrency: 1, retries: 0, retryDelayMs: 0, retryMaxDelayMs: 0 })
    expect(deliveryPolicy('gw', { rate_limit: null })).toEqual({ ...DEFAULT_POLICY, rateLimit: undefined, maxConcurrency: undefined })
  })

  it('a send that fails for every identity names none; one that fails for some names those', async () => {
    const { backend, actor } = make({ retries: 0 })
    backend.outcomes = [status(400), new BackendSendError('gw', 'partial', { status: 400, failedIdentities: ['2'] })]
    expect(await actor.deliverReporting('m1', 'x', ['1', '2'], {})).toEqual({ sent: false, failedIdentities: undefined, error: 'BackendSendError: gw: answered 400' })
    expect(await actor.deliverReporting('m2', 'x', ['1', '2'], {})).toEqual({ sent: false, failedIdentities: ['2'], error: 'BackendSendError: gw: partial' })
  })

  it('a paced send split per request: all sent is sent; all failed names none', async () => {
    const clock = new FakeClock(0)
    const backend = new OnePerRequest({ clock } as unknown as RouterServices, 'gw', { max_concurrency: 5, retries: 0 })
    const actor = new BackendActor(backend, { clock })
    expect(await actor.deliverReporting('m1', 'x', ['1', '2'], {})).toEqual({ sent: true })
    backend.outcomes = [status(400), status(400)]
    expect(await actor.deliverReporting('m2', 'x', ['1', '2'], {})).toEqual({ sent: false, failedIdentities: undefined, error: 'BackendSendError: gw: answered 400' })
    expect(backend.calls.map((c) => c.identities)).toEqual([['1'], ['2'], ['1'], ['2']])
  })

  it('a rate limit waits exactly for its slot on the clock, and not at all when the slot is free', async () => {
    const clock = new FakeClock(10_000)
    const { backend, actor } = make({ rate_limit: 2 }, clock)
    const first = actor.deliver('m1', 'x', ['1'], {})
    await clock.runDue()
    expect(await first).toBe(true)
    const second = actor.deliver('m2', 'x', ['1'], {})
    await clock.runDue()
    expect(backend.calls.map((c) => c.at)).toEqual([10_000])
    await clock.advance(499)
    expect(backend.calls).toHaveLength(1)
    await clock.advance(1)
    expect(await second).toBe(true)
    expect(backend.calls.map((c) => c.at)).toEqual([10_000, 10_500])
    // Long after, the next send does not wait.
    await clock.advance('10s')
    const third = actor.deliver('m3', 'x', ['1'], {})
    await clock.runDue()
    expect(await third).toBe(true)
    expect(backend.calls.map((c) => c.at)).toEqual([10_000, 10_500, 20_500])
  })

  it('starts and stops its backend', async () => {
    const events: string[] = []
    class Lifecycle extends ScriptedBackend {
      override async start() {
        events.push('start')
      }
      override async stop() {
        events.push('stop')
      }
    }
    const actor = new BackendActor(new Lifecycle({ clock: systemClock } as RouterServices, 'gw', {}))
    await actor.start()
    await actor.stop()
    expect(events).toEqual(['start', 'stop'])
  })
})
