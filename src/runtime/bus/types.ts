/** What travels on the bus: bytes, text, or a JSON-serialisable value. */
export type Payload = Uint8Array | string | Record<string, unknown> | unknown[] | number | boolean | null

export interface BusMessage {
  readonly subject: string
  readonly data: Uint8Array
  string(): string
  json<T = unknown>(): T
  /** Answer a request; false when the message was not a request. */
  respond(payload?: Payload): boolean
}

export type BusHandler = (msg: BusMessage) => void | Promise<void>

export interface Subscription {
  readonly subject: string
  unsubscribe(): void
}

/** The request got no answer in time. */
export class BusTimeoutError extends Error {
  override name = 'BusTimeoutError'
  constructor(readonly subject: string) {
    super(`No answer on ${subject} in time`)
  }
}

/** Nobody listens on the subject of a request. */
export class NoRespondersError extends Error {
  override name = 'NoRespondersError'
  constructor(readonly subject: string) {
    super(`No responders on ${subject}`)
  }
}

/**
 * How actors and hosts talk: NATS subjects (`rapidsms.events.>`), with `*` matching one
 * token and `>` the rest; queue groups deliver each message to one member of the group;
 * request/reply. In one process the in-memory bus; in a cluster, NATS.
 */
export interface Bus {
  publish(subject: string, payload?: Payload): void
  subscribe(subject: string, handler: BusHandler, options?: { queue?: string }): Subscription
  request(subject: string, payload?: Payload, options?: { timeout?: number }): Promise<BusMessage>
  /** Resolves once everything published so far has reached the server (or local subscribers). */
  flush(): Promise<void>
  close(): Promise<void>
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export function encode(payload: Payload | undefined): Uint8Array {
  if (payload === undefined) return new Uint8Array()
  if (payload instanceof Uint8Array) return payload
  if (typeof payload === 'string') return encoder.encode(payload)
  return encoder.encode(JSON.stringify(payload))
}

export function decodeString(data: Uint8Array): string {
  return decoder.decode(data)
}

/** Subject matching of NATS: tokens split on '.', `*` one token, `>` one or more trailing tokens. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.')
  const s = subject.split('.')
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i
    if (i >= s.length) return false
    if (p[i] !== '*' && p[i] !== s[i]) return false
  }
  return p.length === s.length
}
