import type { EntityManager } from '@mikro-orm/knex'
import type { DeliveryOutcome } from '../../../../actors/backend.actor.js'
import type { StatusUpdate } from '../../../backends/ports.js'
import { groupBy } from '../../../core/group-by.js'
import { getLogger } from '../../../core/logger.js'
import { placeholders } from '../../../models/sql-statements.js'
import { backendContext, IncomingMessage, type BackendContext, type ConnectionLike, type MessageFields, type OutgoingMessage } from '../../../core/messages/index.js'
import type { Resumed, RoutingContext, RoutingStrategy } from '../strategy.js'
import { groupTransmissions, type QueuedTransmission } from './batches.js'
import { migrations } from './migrations/index.js'
import { DbMessage, dbRouterEntities, Transmission, type Status } from './models.js'
import { messageStatus } from './status.js'
import { RouterStatements, type Bound } from './statements.js'

const log = getLogger('rapidsms.router.db')

/** A transmission as a batch sends it. */
interface Batchable extends QueuedTransmission {
  identity: string
  /** Its connection's backend name. */
  backend: string
}

/** The backend id of a saved connection (its backend is a loaded entity or a reference). */
function backendIdOf(connection: ConnectionLike): number | undefined {
  return (connection.backend as { id?: number }).id
}

/** The external_id an incoming message is stored with (queue_message): from its fields, if they have one. */
function externalIdOf(fields: MessageFields): string {
  return Object.hasOwn(fields, 'external_id') ? String(fields.external_id ?? '') : ''
}

/** send_transmissions' context: for a reply, the answered message's stored external_id. */
function replyContext(answeredExternalId: string | null | undefined, isReply: boolean): BackendContext {
  return backendContext(isReply ? { fields: { external_id: answeredExternalId ?? '' } } : null)
}

/**
 * RapidSMS's DatabaseRouter (behaviours 67-71): every message is a row with one
 * transmission per connection, and statuses record how far each got.
 * - Incoming: the message and its transmissions are stored (`Q`) before it is processed;
 *   its id becomes the row's primary key. After the phases and replies, the transmissions
 *   are `R`, or `E` when an app raised an error.
 * - Outgoing: the message is stored (`P`, linked to the message it answers) with `Q`
 *   transmissions, which are sent per backend in batches of `dbRouterBatchSize`, ordered by
 *   id; each batch ends `S` (with its sent time) or `E`.
 * Like RapidSMS's tasks run eagerly, receive() and send() resolve once this is done. At start
 * the router resumes what a stopped host left: incoming messages still `Q` are processed,
 * outgoing transmissions still `Q` or `P` are sent. A message's row id is on its envelope
 * (`msg.envelope.rowId`), and an incoming message takes it as its id before any app sees it.
 */
export class DatabaseRouter implements RoutingStrategy {
  static readonly entities = dbRouterEntities
  static readonly migrations = migrations
  readonly name = 'database' as const
  readonly #sql: RouterStatements
  readonly batchSize: number

  constructor(private readonly context: RoutingContext) {
    this.#sql = new RouterStatements(context.db)
    this.batchSize = context.batchSize
  }

  #em(): EntityManager {
    return this.context.db.orm.em.fork() as EntityManager
  }

  /** Like RapidSMS's tasks run eagerly: the source may acknowledge once the message was processed. */
  async accept(receive: () => Promise<IncomingMessage>): Promise<void> {
    await receive()
  }

  /**
   * queue_message: one message row (status `Q`, `external_id` from the fields when they have
   * one) and a `Q` transmission per connection, in one transaction; returns the row id.
   */
  async queueMessage(direction: 'I' | 'O', connections: readonly ConnectionLike[], text: string, fields: MessageFields = {}, extra: { status?: Status; inResponseTo?: number } = {}): Promise<number> {
    return (await this.#queue(direction, connections, text, fields, extra)).id
  }

  /** queueMessage(), also giving each transmission's id, identity and backend. */
  async #queue(direction: 'I' | 'O', connections: readonly ConnectionLike[], text: string, fields: MessageFields, extra: { status?: Status; inResponseTo?: number }): Promise<{ id: number; transmissions: Batchable[] }> {
    const saved = await this.#saved(connections)
    return this.#sql.transaction(async (sql) => {
      const at = this.context.clock.date()
      const id = await sql.insertMessage({ direction, text, externalId: externalIdOf(fields), status: extra.status ?? 'Q', inResponseTo: extra.inResponseTo ?? null, at })
      const transmissions: Batchable[] = []
      for (const c of saved) transmissions.push({ id: await sql.insertTransmission(id, c.id!, at), identity: c.identity, backendId: backendIdOf(c)!, backend: c.backend.name })
      return { id, transmissions }
    })
  }

  /**
   * receive_async: store an incoming message (unless it was stored already), process it with
   * `run` (phases, replies, records) and mark its transmissions `R`, or `E` when an app raised
   * an error or the processing failed; the error does not escape.
   */
  async process(msg: IncomingMessage, run: () => Promise<void>): Promise<void> {
    let id = msg.envelope.rowId
    if (id === undefined) {
      id = await this.queueMessage('I', msg.connections, msg.rawText, msg.fields)
      msg.envelope.rowId = id
      msg.id = String(id)
    }
    let failed = false
    try {
      await run()
    } catch (error) {
      failed = true
      log.error({ err: error, msgId: msg.id }, 'Exception in router.process_incoming')
    }
    // Every transmission gets the same status, so the message's is that one too (behaviour 71).
    const status = failed || msg.envelope.appErrors.length ? 'E' : 'R'
    await this.#sql.transaction((sql) => sql.markMessage(id, status, this.context.clock.date()))
  }

  /** Its transmissions are sent after their rows commit, in commits of their own: never rows of a reply's unit. */
  sendsInUnit(): boolean {
    return false
  }

  /** backend_preparation: store an outgoing message and send its transmissions in batches. */
  async deliver(msg: OutgoingMessage): Promise<void> {
    const inResponseTo = msg.inResponseTo?.envelope.rowId
    const { id, transmissions } = await this.#queue('O', msg.connections, msg.text, {}, { status: 'P', inResponseTo })
    msg.envelope.rowId = id
    const context = replyContext(inResponseTo === undefined ? undefined : externalIdOf(msg.inResponseTo!.fields), inResponseTo !== undefined)
    await this.#sendInBatches(id, msg.text, context, transmissions)
  }

  async #sendInBatches(messageId: number, text: string, context: BackendContext, transmissions: Batchable[]): Promise<void> {
    const byId = new Map(transmissions.map((t) => [t.id, t]))
    for (const [, ids] of groupTransmissions(transmissions, this.batchSize)) {
      await this.#sendBatch(messageId, text, context, ids.map((id) => byId.get(id)!))
    }
  }

  /**
   * send_transmissions: send one batch in one backend call. Transmissions already `S` are
   * skipped (a retry), the rest are `P` while sending, then `S` with their sent time and the
   * message's status is recomputed. On failure the message is `E`, and so are the
   * transmissions: all of them, or only those of the identities the backend named.
   */
  async sendTransmissions(backendId: number, messageId: number, transmissionIds: number[]): Promise<void> {
    const { run } = this.#sql.now
    const [message] = await run<{ text: string; answered: number | null; external_id: string | null }>(
      'select m.text, m.in_response_to_id as answered, r.external_id from db_message m left join db_message r on r.id = m.in_response_to_id where m.id = ?',
      [messageId],
    )
    const [backend] = await run<{ name: string }>('select name from rapidsms_backend where id = ?', [backendId])
    if (!message || !backend || !transmissionIds.length) return
    const rows = await run<{ id: number; identity: string }>(
      `select t.id, c.identity from db_transmission t join rapidsms_connection c on c.id = t.connection_id where t.id in (${placeholders(transmissionIds.length)}) and t.status <> 'S' order by t.id`,
      transmissionIds,
    )
    const context = replyContext(message.external_id, message.answered !== null)
    await this.#sendBatch(messageId, message.text, context, rows.map((r) => ({ id: Number(r.id), identity: r.identity, backendId, backend: backend.name })))
  }

  async #sendBatch(messageId: number, text: string, context: BackendContext, transmissions: Batchable[]): Promise<void> {
    if (!transmissions.length) return
    const ids = transmissions.map((t) => t.id)
    await this.#sql.now.markTransmissions(ids, 'P')
    const outcome: DeliveryOutcome = (await this.context.delivery.toBackend(transmissions[0]!.backend, String(messageId), text, transmissions.map((t) => t.identity), context)) ?? { sent: false }
    const at = this.context.clock.date()
    // The statuses of one outcome change together: one transaction (one commit).
    await this.#sql.transaction(async (sql) => {
      if (outcome.sent) {
        await sql.markTransmissions(ids, 'S', { sent: at })
        await this.#setStatus(sql, messageId)
        return
      }
      await sql.setMessageStatus(messageId, 'E')
      let failedIds = ids
      if (outcome.failedIdentities?.length) {
        const failed = new Set(outcome.failedIdentities)
        const sentIds = transmissions.filter((t) => !failed.has(t.identity)).map((t) => t.id)
        await sql.markTransmissions(sentIds, 'S', { sent: at })
        failedIds = ids.filter((id) => !sentIds.includes(id))
      }
      await sql.markTransmissions(failedIds, 'E', { updated: at })
    })
  }

  /**
   * A delivery report for an outgoing message (the row id the backend was given) to one
   * identity: its transmission becomes `D` with its delivered time, or `E`, and the
   * message's status is recomputed (all delivered: `D`). Reports for other ids are ignored.
   */
  async reportStatus({ messageId, identity, outcome }: StatusUpdate): Promise<void> {
    const id = Number(messageId)
    if (!/^\d+$/.test(messageId) || !Number.isSafeInteger(id)) return
    await this.#sql.transaction(async (sql) => {
      if (await sql.markDelivery(id, identity, outcome === 'delivered' ? 'D' : 'E', this.context.clock.date())) await this.#setStatus(sql, id)
    })
  }

  /** set_status: a message's status from its transmissions' (behaviour 71); returns it. */
  setStatus(messageId: number): Promise<Status> {
    return this.#setStatus(this.#sql.now, messageId)
  }

  async #setStatus(sql: Bound, messageId: number): Promise<Status> {
    const found = await sql.statusesOf(messageId)
    if (!found) throw new Error(`No message ${messageId} in db_message`)
    const status = messageStatus(found.direction, found.statuses)
    const now = this.context.clock.date()
    await sql.setMessageStatus(messageId, status, { updated: now, ...(status === 'S' && { sent: now }), ...(status === 'D' && { delivered: now }) })
    return status
  }

  /**
   * What a stopped host left undone: incoming messages still `Q` (in id order, handed to
   * `receive`, which processes them in their conversation's order), and outgoing
   * transmissions still `Q` or `P`, sent again as send_transmissions would. Only rows older
   * than this start: what a running host makes meanwhile is its own.
   */
  async resume(receive: (msg: IncomingMessage) => Promise<unknown>): Promise<Resumed> {
    const em = this.#em()
    const before = this.context.clock.date()
    const options = { populate: ['message', 'connection', 'connection.backend', 'connection.contact'], orderBy: { id: 'asc' } } as const
    const queued = await em.find(Transmission, { date: { $lt: before }, message: { direction: 'I', status: 'Q' } }, options)
    const unsent = await em.find(Transmission, { date: { $lt: before }, status: { $in: ['Q', 'P'] }, message: { direction: 'O' } }, options)
    const waiting: Promise<unknown>[] = []
    for (const [row, transmissions] of groupBy(queued, (t) => t.message)) {
      const msg = new IncomingMessage({
        id: String(row.id),
        text: row.text,
        connections: transmissions.map((t) => t.connection),
        fields: row.externalId ? { external_id: row.externalId } : {},
      })
      msg.envelope.rowId = row.id
      waiting.push(receive(msg))
    }
    for (const [row, transmissions] of groupBy(unsent, (t) => t.message)) {
      const batches = groupTransmissions(transmissions.map((t) => ({ id: t.id, backendId: t.connection.backend.id })), this.batchSize)
      for (const [backendId, ids] of batches) await this.sendTransmissions(backendId, row.id, ids)
    }
    await Promise.all(waiting)
    return { incoming: waiting.length, outgoing: unsent.length }
  }

  /** The connections as saved rows (ids, backend ids), looking up those given only by name and identity. */
  async #saved(connections: readonly ConnectionLike[]): Promise<readonly ConnectionLike[]> {
    const saved = (c: ConnectionLike) => c.id !== undefined && backendIdOf(c) !== undefined
    if (connections.every(saved)) return connections
    return Promise.all(connections.map(async (c) => (saved(c) ? c : (await this.context.lookupConnections(c.backend.name, [c.identity]))[0]!)))
  }
}
