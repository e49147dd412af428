import { ConnectionActor, connectionKey } from '../../../actors/connection.actor.js'
import type { Clock, Timer } from '../../core/clock.js'
import type { Inspector } from '../../core/inspection.js'
import type { IncomingMessage } from '../../core/messages/index.js'
import { backendRow, Connection, type Database } from '../../models/index.js'
import { changeTracker } from './change-tracking.js'
import { LookupBatches } from './lookups.js'

export interface RegistryOptions {
  db: Database
  clock: Clock
  inspector: Inspector
  /** How long an idle conversation stays in memory (`connectionIdleMs`). */
  idleMs: number
  /** Processes one message of a conversation (the host's phases, in its routing strategy). */
  process: (msg: IncomingMessage, actor: ConnectionActor) => Promise<void>
}

/**
 * The connection actors of a host, one per (backend, identity): made on a conversation's first
 * message, kept with their row while active, released once idle for `connectionIdleMs` (the
 * row stays in the database), and marked stale when their row changes.
 */
export class ConnectionRegistry {
  readonly #actors = new Map<string, ConnectionActor>()
  readonly #lookups = new Map<string, Promise<Connection>>()
  readonly #batches: LookupBatches
  readonly #changes = changeTracker(() => this.#actors.values())
  #sweeper: Timer | undefined

  constructor(private readonly options: RegistryOptions) {
    this.#batches = new LookupBatches(options.db, options.clock)
  }

  /** Connection actors in memory. */
  get size(): number {
    return this.#actors.size
  }

  /** The live actor of a conversation, if it is in memory. */
  live(backend: string, identity: string): ConnectionActor | undefined {
    return this.#actors.get(connectionKey(backend, identity))
  }

  /** The actor of a saved connection, made if missing; a fresher copy of its row replaces the one it holds. */
  actorFor(connection: Connection): ConnectionActor {
    const key = connectionKey(connection.backend.name, connection.identity)
    let actor = this.#actors.get(key)
    if (!actor) {
      const created: ConnectionActor = new ConnectionActor(key, connection, (msg) => this.#process(msg, created), this.options.clock)
      actor = created
      this.#actors.set(key, actor)
      this.options.inspector.emit('actor.started', { kind: 'connection', name: actorName(connection) })
    } else if (actor.connection !== connection && connection.id !== undefined) {
      actor.connection = connection
    }
    return actor
  }

  /**
   * One connection per identity on a backend, created on the fly (docs 8.1.7): those of live
   * actors from memory, the others looked up together (see LookupBatches); concurrent
   * lookups of one identity share one.
   */
  lookup(name: string, identities: string[]): Promise<Connection[]> {
    // No identities still makes sure the backend record exists, as RapidSMS does.
    if (!identities.length) return backendRow(this.options.db.orm.em.fork(), name).then(() => [])
    const found: (Connection | Promise<Connection>)[] = []
    let waiting = false
    for (const identity of identities) {
      const key = connectionKey(name, identity)
      const actor = this.#actors.get(key)
      let connection: Connection | Promise<Connection> | undefined = actor && !actor.stale ? actor.connection : this.#lookups.get(key)
      if (!connection) {
        connection = this.#batches
          .row(name, identity)
          .then((row) => this.actorFor(row).connection)
          .finally(() => this.#lookups.delete(key))
        this.#lookups.set(key, connection)
      }
      if (connection instanceof Promise) waiting = true
      found.push(connection)
    }
    return waiting ? Promise.all(found) : Promise.resolve(found as Connection[])
  }

  /** Release actors idle for at least `idleMs` now; returns how many. */
  releaseIdle(idleMs = this.options.idleMs): number {
    const now = this.options.clock.now()
    let released = 0
    for (const [key, actor] of this.#actors) {
      if (actor.idle && now - actor.lastActive >= idleMs) {
        this.#actors.delete(key)
        this.options.inspector.emit('actor.stopped', { kind: 'connection', name: actorName(actor.connection) })
        released++
      }
    }
    return released
  }

  /** Resolves once no conversation has a message waiting or in progress (also ones that came meanwhile). */
  async whenIdle(): Promise<void> {
    for (let busy = this.#busy(); busy.length; busy = this.#busy()) await Promise.all(busy.map((actor) => actor.whenIdle()))
  }

  /** Start tracking row changes and releasing idle actors. */
  start(): void {
    this.options.db.orm.em.getEventManager().registerSubscriber(this.#changes)
    const every = Math.max(1000, Math.floor(this.options.idleMs / 2))
    this.#sweeper = this.options.clock.setInterval(() => this.releaseIdle(), every).unref()
  }

  stop(): void {
    this.#sweeper?.cancel()
    this.options.db.orm.em.getEventManager().getSubscribers().delete(this.#changes)
  }

  #busy(): ConnectionActor[] {
    return [...this.#actors.values()].filter((actor) => !actor.idle)
  }

  async #process(msg: IncomingMessage, actor: ConnectionActor): Promise<void> {
    if (actor.stale) await this.#reload(actor, msg)
    await this.options.process(msg, actor)
  }

  /** The connection's row as the database holds it now, for a conversation marked stale. */
  async #reload(actor: ConnectionActor, msg: IncomingMessage): Promise<void> {
    actor.stale = false
    const fresh = await this.options.db.orm.em.fork().findOne(Connection, actor.connection.id, { populate: ['backend', 'contact'] })
    if (!fresh) return
    actor.connection = fresh
    msg.connections = msg.connections.map((c) => (c.id === fresh.id ? fresh : c))
  }
}

function actorName(connection: Connection): string {
  return `conn:${connection.backend.name}:${connection.identity}`
}
