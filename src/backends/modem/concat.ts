/**
 * Reassembly of long messages (TS 23.040 9.2.3.24.1): parts that share a sender and a
 * concatenation reference are joined in sequence order, whatever order they came in. A
 * message whose parts do not all come within `timeoutMs` of the first is delivered with
 * what came.
 */
import { createHash } from 'node:crypto'
import type { Clock, Timer } from '../../core/clock.js'
import type { DecodedDeliver } from './pdu/index.js'

/** One SMS-DELIVER as the modem gave it: from a storage slot, or (+CMT) from none. */
export interface ReceivedPart {
  index?: number
  pdu: string
  sms: DecodedDeliver
}

/** A message ready to hand in: all its parts, or those that came before the timeout. */
export interface ReceivedMessage {
  from: string
  text: string
  timestamp: string
  smsc?: string
  parts: ReceivedPart[]
  /** How many parts the message has (its header says). */
  total: number
  complete: boolean
  /** The same for the same PDUs: what tells a message handed in before a restart. */
  key: string
}

interface Group {
  parts: Map<number, ReceivedPart>
  total: number
  timer: Timer
}

function messageOf(parts: ReceivedPart[], total: number): ReceivedMessage {
  const sorted = [...parts].sort((a, b) => (a.sms.concat?.sequence ?? 1) - (b.sms.concat?.sequence ?? 1))
  const first = sorted[0]!.sms
  const key = createHash('sha256')
    .update(sorted.map((p) => p.pdu.toUpperCase()).join(','))
    .digest('hex')
  return { from: first.from, text: sorted.map((p) => p.sms.text).join(''), timestamp: first.timestamp, smsc: first.smsc, parts: sorted, total, complete: sorted.length === total, key }
}

export class ConcatBuffer {
  readonly #groups = new Map<string, Group>()

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly ready: (message: ReceivedMessage) => void,
  ) {}

  /** Add a part; a single-part message is ready at once. */
  add(part: ReceivedPart): void {
    const concat = part.sms.concat
    if (!concat || concat.total === 1) return this.ready(messageOf([part], 1))
    const id = `${part.sms.from}\u0000${concat.reference}\u0000${concat.total}`
    let group = this.#groups.get(id)
    if (!group) {
      const created: Group = { parts: new Map(), total: concat.total, timer: this.clock.setTimeout(() => this.#flush(id, created), this.timeoutMs) }
      group = created
      this.#groups.set(id, group)
    }
    // The same part twice (a resent part, or listed again): keep the first.
    if (!group.parts.has(concat.sequence)) group.parts.set(concat.sequence, part)
    if (group.parts.size === group.total) this.#flush(id, group)
  }

  /** Parts waiting for the rest of their message. */
  get waiting(): number {
    let n = 0
    for (const group of this.#groups.values()) n += group.parts.size
    return n
  }

  /** Forget every waiting part (the port closed: they are still on the SIM, and read again). */
  clear(): void {
    for (const group of this.#groups.values()) group.timer.cancel()
    this.#groups.clear()
  }

  #flush(id: string, group: Group): void {
    if (this.#groups.get(id) !== group) return
    group.timer.cancel()
    this.#groups.delete(id)
    this.ready(messageOf([...group.parts.values()], group.total))
  }
}
