import type { BackendBase } from '../src/backends/base.js'
import { systemClock, type Clock } from '../src/core/clock.js'
import { chunked } from '../src/core/group-by.js'
import { BackendSendError, ConfigError } from '../src/core/errors.js'
import type { Inspector } from '../src/core/inspection.js'
import { getLogger, type Logger } from '../src/core/logger.js'
import type { BackendContext } from '../src/core/messages/index.js'
import type { MessageScope } from '../src/core/scope.js'

/** How a backend actor paces and retries sends; read from the backend's settings. */
export interface DeliveryPolicy {
  /** Sends (gateway requests) per second, evenly spaced; undefined: no limit. */
  rateLimit?: number
  /** Sends in flight at once; undefined: no limit. */
  maxConcurrency?: number
  /** Attempts after the first, for retryable failures only. */
  retries: number
  /** The first retry waits about this long; each next one twice as long (with jitter). */
  retryDelayMs: number
  /** No wait between attempts is longer than this. */
  retryMaxDelayMs: number
}

export const DEFAULT_POLICY: DeliveryPolicy = { retries: 2, retryDelayMs: 250, retryMaxDelayMs: 5_000 }

/**
 * The delivery policy of a backend from its (lower-cased) settings: `rate_limit`,
 * `max_concurrency`, `retries`, `retry_delay_ms`, `retry_max_delay_ms`. A bad value throws a
 * ConfigError naming `backends.<name>.<key>`.
 */
export function deliveryPolicy(name: string, config: Record<string, unknown>): DeliveryPolicy {
  const read = (key: string, min: number, integer: boolean): number | undefined => {
    const value = config[key]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      throw new ConfigError(`backends.${name}.${key}`, `expected ${integer ? 'a whole number' : 'a number'} >= ${min}`)
    }
    return value
  }
  const rateLimit = read('rate_limit', Number.MIN_VALUE, false)
  const maxConcurrency = read('max_concurrency', 1, true)
  return {
    rateLimit,
    maxConcurrency,
    retries: read('retries', 0, true) ?? DEFAULT_POLICY.retries,
    retryDelayMs: read('retry_delay_ms', 0, true) ?? DEFAULT_POLICY.retryDelayMs,
    retryMaxDelayMs: read('retry_max_delay_ms', 0, true) ?? DEFAULT_POLICY.retryMaxDelayMs,
  }
}

const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

/**
 * Is a send worth trying again? Yes for 5xx answers, timeouts and connection errors; never
 * for 4xx (the request itself is wrong) or errors the backend marks as final.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof BackendSendError) {
    const { status, retryable } = error.options
    if (status !== undefined && status >= 400 && status < 500) return false
    if (retryable !== undefined) return retryable
    return status !== undefined && status >= 500
  }
  for (let e = error as { name?: string; code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.name === 'TimeoutError' || (e.code && RETRYABLE_CODES.has(e.code))) return true
  }
  return false
}

/** Exponential backoff with jitter: half the step is fixed, the other half random. */
export function backoffDelay(policy: DeliveryPolicy, retry: number, random = Math.random): number {
  const step = Math.min(policy.retryMaxDelayMs, policy.retryDelayMs * 2 ** (retry - 1))
  return Math.round(step / 2 + random() * (step / 2))
}

/** What became of a send: sent, or failed (why: `error`) for every identity or only for `failedIdentities`. */
export type DeliveryOutcome = { sent: true } | { sent: false; failedIdentities?: string[]; error?: string }

/** What a backend actor takes from its host: the clock it waits on, the stream it reports to. */
export interface BackendActorOptions {
  clock?: Clock
  inspector?: Inspector
}

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error))

/**
 * Owns one configured backend and delivers its messages: at most `max_concurrency` sends at
 * once, no faster than `rate_limit` per second, retrying 5xx answers, timeouts and connection
 * errors with exponential backoff and jitter (never 4xx). Apps never see failures: a send
 * that finally fails is logged as "<name> encountered an error while sending." with the
 * message id, counted, and reported as `false` (behaviour 25).
 */
export class BackendActor {
  readonly name: string
  readonly policy: DeliveryPolicy
  sent = 0
  failed = 0
  retried = 0
  readonly #log: Logger
  #inFlight = 0
  readonly #waiting: (() => void)[] = []
  #nextSlot = 0
  readonly #clock: Clock
  readonly #inspector: Inspector | undefined

  constructor(
    readonly backend: BackendBase,
    options: BackendActorOptions = {},
  ) {
    this.name = backend.name
    this.#log = getLogger(`rapidsms.backends.${this.name}`)
    this.policy = deliveryPolicy(this.name, backend.config)
    this.#clock = options.clock ?? systemClock
    this.#inspector = options.inspector
  }

  /** Send one message to the identities of this backend; true when the backend accepted it. */
  async deliver(id: string, text: string, identities: string[], context: BackendContext, scope?: MessageScope): Promise<boolean> {
    return (await this.deliverReporting(id, text, identities, context, scope)).sent
  }

  /**
   * Like deliver(), telling which identities failed when the backend named them
   * (`BackendSendError`'s `failedIdentities`; the others were sent), for the DatabaseRouter's
   * transmission statuses. `scope`: the message's own, handed to the backend (see BackendBase.send).
   */
  async deliverReporting(id: string, text: string, identities: string[], context: BackendContext, scope?: MessageScope): Promise<DeliveryOutcome> {
    const perRequest = this.backend.identitiesPerRequest
    if (identities.length > perRequest && this.#paces) return this.#split(id, text, identities, context, perRequest, scope)
    let pending = identities
    const inspector = this.#inspector?.active ? this.#inspector : undefined
    for (let attempt = 0; ; attempt++) {
      try {
        inspector?.emit('send.attempted', { msgId: id, backend: this.name, identities: pending, attempt: attempt + 1 })
        await this.#attempt(id, text, pending, context, scope)
        this.sent++
        inspector?.emit('send.succeeded', { msgId: id, backend: this.name, identities: pending, attempts: attempt + 1 })
        if (this.#log.isLevelEnabled('info')) this.#log.info({ msgId: id, backend: this.name, identities: pending, attempts: attempt + 1 }, 'sent')
        return { sent: true }
      } catch (error) {
        const failedIdentities = error instanceof BackendSendError ? error.options.failedIdentities : undefined
        const tried = pending
        if (failedIdentities?.length) pending = failedIdentities
        if (attempt < this.policy.retries && isRetryable(error)) {
          const delay = backoffDelay(this.policy, attempt + 1)
          this.retried++
          inspector?.emit('send.failed', { msgId: id, backend: this.name, identities: tried, attempt: attempt + 1, final: false, error: describe(error), retryInMs: delay })
          this.#log.warn({ err: error, msgId: id, backend: this.name, identities: pending, attempt: attempt + 1, retryInMs: delay }, `${this.name} failed to send; retrying`)
          await this.#clock.sleep(delay)
          continue
        }
        this.failed++
        inspector?.emit('send.failed', { msgId: id, backend: this.name, identities: tried, attempt: attempt + 1, final: true, error: describe(error) })
        this.#log.error({ err: error, msgId: id, backend: this.name, identities: pending, attempts: attempt + 1 }, `${this.name} encountered an error while sending.`)
        return { sent: false, failedIdentities: pending === identities ? undefined : pending, error: describe(error) }
      }
    }
  }

  /** Paced sends (with rate_limit or max_concurrency) in flight now. */
  get inFlight(): number {
    return this.#inFlight
  }

  start(): Promise<void> | void {
    return this.backend.start()
  }

  stop(): Promise<void> | void {
    return this.backend.stop()
  }

  /** Does the actor pace sends (a rate limit or a concurrency limit)? */
  get #paces(): boolean {
    return this.policy.maxConcurrency !== undefined || this.policy.rateLimit !== undefined
  }

  /**
   * A paced send to more identities than one gateway request carries (the generic HTTP
   * backend's one each): one paced send per request, so `rate_limit` and `max_concurrency`
   * count requests, as they say; sent when every one was, else the identities that failed.
   */
  async #split(id: string, text: string, identities: string[], context: BackendContext, perRequest: number, scope: MessageScope | undefined): Promise<DeliveryOutcome> {
    const parts = chunked(identities, perRequest)
    const outcomes = await Promise.all(parts.map((part) => this.deliverReporting(id, text, part, context, scope)))
    const failed: string[] = []
    let error: string | undefined
    outcomes.forEach((outcome, i) => {
      if (outcome.sent) return
      failed.push(...(outcome.failedIdentities ?? parts[i]!))
      error ??= outcome.error
    })
    if (!failed.length) return { sent: true }
    return { sent: false, failedIdentities: failed.length === identities.length ? undefined : failed, error }
  }

  #attempt(id: string, text: string, identities: string[], context: BackendContext, scope: MessageScope | undefined): Promise<void> | void {
    if (!this.#paces) return this.backend.send(id, text, identities, context, scope)
    return this.#paced(id, text, identities, context, scope)
  }

  async #paced(id: string, text: string, identities: string[], context: BackendContext, scope: MessageScope | undefined): Promise<void> {
    const { maxConcurrency, rateLimit } = this.policy
    // A finishing send hands its slot straight to the next waiter, so the count never overshoots.
    if (maxConcurrency !== undefined && this.#inFlight >= maxConcurrency) await new Promise<void>((resolve) => this.#waiting.push(resolve))
    else this.#inFlight++
    try {
      if (rateLimit !== undefined) {
        // Evenly spaced slots, 1/rate apart: each send takes the next free one.
        const now = this.#clock.now()
        const slot = Math.max(now, this.#nextSlot)
        this.#nextSlot = slot + 1000 / rateLimit
        if (slot > now) await this.#clock.sleep(slot - now)
      }
      await this.backend.send(id, text, identities, context, scope)
    } finally {
      const next = this.#waiting.shift()
      if (next) next()
      else this.#inFlight--
    }
  }
}
