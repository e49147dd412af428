import type { EntityManager } from '@mikro-orm/knex'
import { appRaisedOn } from '../../../actors/app.actor.js'
import type { BackendActor, DeliveryOutcome } from '../../../actors/backend.actor.js'
import { getLogger } from '../../core/logger.js'
import { IncomingMessage, type BackendContext, type ConnectionLike, type MessageBase, type MessageFields, type OutgoingMessage } from '../../core/messages/index.js'
import { Backend, Connection, type Database } from '../../models/index.js'
import { groupTransmissions } from './batches.js'
import { DbMessage, Transmission, type Status } from './models.js'
import { messageStatus } from './status.js'

const log = getLogger('rapidsms.router.db')

/** What the DatabaseRouter needs of its host. */
export interface DatabaseRouterHost {
  readonly db: Database
  readonly backends: ReadonlyMap<string, BackendActor>
  /** Saved connections for backend names and identities (created on the fly). */
  lookupConnections(backend: string, identities: string[]): Promise<Connection[]>
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
 * outgoing transmissions still `Q` or `P` are sent.
 */
export class DatabaseRouter {
  /** Row ids of the messages this router stored. */
  readonly #rows = new WeakMap<MessageBase, number>()

  constructor(
    private readonly host: DatabaseRouterHost,
    private readonly batchSize: number,
  ) {}

  #em(): EntityManager {
    return this.host.db.orm.em.fork() as EntityManager
  }

  /** The row id of a message this router stored. */
  rowOf(msg: MessageBase): number | undefined {
    return this.#rows.get(msg)
  }

  /**
   * queue_message: one message row (status `Q`, `external_id` from the fields when they have
   * one) and a `Q` transmission per connection, in one transaction; returns the row id.
   */
  async queueMessage(direction: 'I' | 'O', connections: readonly ConnectionLike[], text: string, fields: MessageFields = {}, extra: { status?: Status; inResponseTo?: number } = {}): Promise<number> {
    const saved = await this.#saved(connections)
    return this.#em().transactional(async (em) => {
      const externalId = Object.hasOwn(fields, 'external_id') ? String(fields.external_id ?? '') : ''
      const inResponseTo = extra.inResponseTo === undefined ? null : em.getReference(DbMessage, extra.inResponseTo)
      const row = em.create(DbMessage, { direction, text, externalId, status: extra.status ?? 'Q', inResponseTo })
      for (const connection of saved) em.create(Transmission, { message: row, connection: em.getReference(Connection, connection.id!), status: 'Q' })
      await em.flush()
      return row.id
    })
  }

  /**
   * receive_async: store an incoming message (unless it was stored already), process it with
   * `run` (phases, replies, records) and mark its transmissions `R`, or `E` when an app raised
   * an error or the processing failed; the error does not escape.
   */
  async process(msg: IncomingMessage, run: () => Promise<void>): Promise<void> {
    let id = this.#rows.get(msg)
    if (id === undefined) {
      id = await this.queueMessage('I', msg.connections, msg.rawText, msg.fields)
      this.#rows.set(msg, id)
      msg.id = String(id)
    }
    let failed = false
    try {
      await run()
    } catch (error) {
      failed = true
      log.error({ err: error, msgId: msg.id }, 'Exception in router.process_incoming')
    }
    await this.#markAll(id, failed || appRaisedOn(msg) ? 'E' : 'R')
  }

  /** backend_preparation: store an outgoing message and send its transmissions in batches. */
  async deliver(msg: OutgoingMessage): Promise<void> {
    const inResponseTo = msg.inResponseTo ? this.#rows.get(msg.inResponseTo) : undefined
    const id = await this.queueMessage('O', msg.connections, msg.text, {}, { status: 'P', inResponseTo })
    this.#rows.set(msg, id)
    await this.#sendQueued(id, await this.#em().find(Transmission, { message: id }, { populate: ['connection'] }))
  }

  async #sendQueued(messageId: number, transmissions: Transmission[]): Promise<void> {
    const queued = transmissions.map((t) => ({ id: t.id, backendId: (t.connection.backend as unknown as { id: number }).id }))
    for (const [backendId, ids] of groupTransmissions(queued, this.batchSize)) await this.sendTransmissions(backendId, messageId, ids)
  }

  /**
   * send_transmissions: send one batch in one backend call. Transmissions already `S` are
   * skipped (a retry), the rest are `P` while sending, then `S` with their sent time and the
   * message's status is recomputed. On failure the message is `E`, and so are the
   * transmissions: all of them, or only those of the identities the backend named.
   */
  async sendTransmissions(backendId: number, messageId: number, transmissionIds: number[]): Promise<void> {
    const em = this.#em()
    const backend = await em.findOneOrFail(Backend, backendId)
    const message = await em.findOneOrFail(DbMessage, messageId, { populate: ['inResponseTo'] })
    const transmissions = await em.find(Transmission, { id: { $in: transmissionIds }, status: { $ne: 'S' } }, { populate: ['connection'], orderBy: { id: 'asc' } })
    if (!transmissions.length) return
    const ids = transmissions.map((t) => t.id)
    await em.nativeUpdate(Transmission, { id: { $in: ids } }, { status: 'P' })
    const context: BackendContext = message.inResponseTo ? { external_id: message.inResponseTo.externalId } : {}
    const identities = transmissions.map((t) => t.connection.identity)
    const actor = this.host.backends.get(backend.name)
    let outcome: DeliveryOutcome = { sent: false }
    if (actor) outcome = await actor.deliverReporting(String(messageId), message.text, identities, context)
    else log.warn({ msgId: messageId, backend: backend.name }, `Router is not configured with the ${backend.name} backend`)
    const now = new Date()
    // The statuses of one outcome change together: one transaction (one commit).
    await em.transactional(async (em) => {
      if (outcome.sent) {
        await em.nativeUpdate(Transmission, { id: { $in: ids } }, { status: 'S', sent: now })
        await this.setStatus(messageId, em)
        return
      }
      await em.nativeUpdate(DbMessage, { id: messageId }, { status: 'E' })
      let failedIds = ids
      if (outcome.failedIdentities?.length) {
        const failed = new Set(outcome.failedIdentities)
        const sentIds = transmissions.filter((t) => !failed.has(t.connection.identity)).map((t) => t.id)
        if (sentIds.length) await em.nativeUpdate(Transmission, { id: { $in: sentIds } }, { status: 'S', sent: now })
        failedIds = ids.filter((id) => !sentIds.includes(id))
      }
      await em.nativeUpdate(Transmission, { id: { $in: failedIds } }, { status: 'E', updated: now })
    })
  }

  /** set_status: a message's status from its transmissions' (behaviour 71); returns it. */
  async setStatus(messageId: number, em = this.#em()): Promise<Status> {
    const message = await em.findOneOrFail(DbMessage, messageId, { fields: ['direction'] })
    const statuses = (await em.find(Transmission, { message: messageId }, { fields: ['status'] })).map((t) => t.status)
    const status = messageStatus(message.direction as 'I' | 'O', statuses)
    const now = new Date()
    await em.nativeUpdate(DbMessage, { id: messageId }, { status, updated: now, ...(status === 'S' && { sent: now }), ...(status === 'D' && { delivered: now }) })
    return status
  }

  /**
   * What a stopped host left undone: incoming messages still `Q` (in id order, handed to
   * `receive`, which processes them in their conversation's order), and outgoing
   * transmissions still `Q` or `P`, sent again.
   */
  async resume(receive: (msg: IncomingMessage) => Promise<unknown>): Promise<{ incoming: number; outgoing: number }> {
    const em = this.#em()
    const incoming = await em.find(DbMessage, { direction: 'I', status: 'Q' }, { orderBy: { id: 'asc' } })
    const waiting: Promise<unknown>[] = []
    for (const row of incoming) {
      const transmissions = await em.find(Transmission, { message: row.id }, { populate: ['connection', 'connection.backend', 'connection.contact'], orderBy: { id: 'asc' } })
      if (!transmissions.length) continue
      const msg = new IncomingMessage({
        id: String(row.id),
        text: row.text,
        connections: transmissions.map((t) => t.connection),
        fields: row.externalId ? { external_id: row.externalId } : {},
      })
      this.#rows.set(msg, row.id)
      waiting.push(receive(msg))
    }
    const unsent = await em.find(Transmission, { status: { $in: ['Q', 'P'] }, message: { direction: 'O' } }, { populate: ['connection'], orderBy: { id: 'asc' } })
    const byMessage = new Map<number, Transmission[]>()
    for (const t of unsent) {
      const id = (t.message as unknown as { id: number }).id
      byMessage.set(id, [...(byMessage.get(id) ?? []), t])
    }
    for (const [messageId, transmissions] of byMessage) await this.#sendQueued(messageId, transmissions)
    await Promise.all(waiting)
    return { incoming: waiting.length, outgoing: unsent.length }
  }

  async #markAll(messageId: number, status: Status): Promise<void> {
    await this.#em().transactional(async (em) => {
      await em.nativeUpdate(Transmission, { message: messageId }, { status, updated: new Date() })
      await this.setStatus(messageId, em)
    })
  }

  /** The connections as saved rows (with ids), looking up those given only by name and identity. */
  async #saved(connections: readonly ConnectionLike[]): Promise<readonly ConnectionLike[]> {
    if (connections.every((c) => c.id !== undefined)) return connections
    return Promise.all(connections.map(async (c) => (c.id !== undefined ? c : (await this.host.lookupConnections(c.backend.name, [c.identity]))[0]!)))
  }
}
