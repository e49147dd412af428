import { ChangeSetType, type EventSubscriber, type FlushEventArgs } from '@mikro-orm/core'
import { AppActor } from '../../actors/app.actor.js'
import { BackendActor } from '../../actors/backend.actor.js'
import { ConnectionActor, connectionKey } from '../../actors/connection.actor.js'
import { MessagePipeline, type PipelineObserver } from '../../actors/message-pipeline.js'
import type { AppClass, RouterServices, SendOptions } from '../apps/index.js'
import type { BackendClass } from '../backends/base.js'
import { defineConfig, type Settings, type UserSettings } from '../core/config.js'
import type { StatusUpdate } from '../backends/ports.js'
import { systemClock, type Clock } from '../core/clock.js'
import { ConfigError } from '../core/errors.js'
import { Inspector } from '../core/inspection.js'
import { configureLogging, getLogger } from '../core/logger.js'
import {
  IncomingMessage,
  OutgoingMessage,
  type ConnectionLike,
  type MessageFields,
} from '../core/messages/index.js'
import { MessageScope } from '../core/scope.js'
import { backendRow, Connection, Contact, lookupConnectionRows, type Database } from '../models/index.js'
import { MemoryBus, NatsBus, type Bus } from './bus/index.js'
import { DatabaseRouter } from './db-router/index.js'
import { HostScheduler } from './scheduler/index.js'
import { openProjectDatabase } from './schema.js'

const log = getLogger('rapidsms.router')

export interface HostOptions {
  /** Use this database instead of opening the configured one (the host will not close it). */
  db?: Database
  /** Overrides `databaseUrl` and DATABASE_URL. */
  databaseUrl?: string
  /** Folder a relative SQLite file resolves from (the project folder). */
  cwd?: string
  /** Use this bus instead of the configured one (the host will not close it). */
  bus?: Bus
  /** Apply pending migrations at start (default true); when false, pending ones are an error. */
  migrate?: boolean
  /** Record messages but run no phases (the test harness's `disablePhases`). */
  disablePhases?: boolean
  observer?: PipelineObserver
  /** Where time comes from (default: the machine's clock); tests pass a FakeClock. */
  clock?: Clock
}

/**
 * One actor host: builds the app, backend and connection actors from the settings,
 * supervises them, and offers the messaging API (receive, send, lookupConnections).
 * Routers are built once per host, not per call (our deliberate difference 10).
 */
export class Host implements RouterServices {
  readonly apps: readonly AppActor[]
  readonly backends: ReadonlyMap<string, BackendActor>
  readonly pipeline: MessagePipeline
  readonly clock: Clock
  readonly inspector: Inspector
  /** Durable wake times and tasks: started after the actors, stopped before them. */
  readonly scheduler: HostScheduler
  /** With `router: 'database'`: the rows and statuses of every message. */
  readonly dbRouter: DatabaseRouter | undefined
  /** With the DatabaseRouter: what the last host left undone, resumed at start. */
  resumed: Promise<unknown> = Promise.resolve()
  readonly #connections = new Map<string, ConnectionActor>()
  readonly #lookups = new Map<string, Promise<Connection>>()
  readonly #lookupBatches = new Map<string, { identities: string[]; rows: Promise<Map<string, Connection>> }>()
  #sweeper: NodeJS.Timeout | undefined
  /** Marks conversations whose connection or contact was changed through the ORM. */
  readonly #changes: EventSubscriber = { afterFlush: (args) => this.#changed(args) }
  #stopping = false
  #received = 0

  private constructor(
    readonly settings: Settings,
    readonly db: Database,
    readonly bus: Bus,
    private readonly owns: { db: boolean; bus: boolean },
    options: HostOptions,
  ) {
    this.clock = options.clock ?? systemClock
    this.inspector = new Inspector(this.clock)
    this.scheduler = new HostScheduler(this.clock, db, this.inspector)
    this.backends = new Map(Object.entries(settings.backends).map(([name, entry]) => [name, new BackendActor(buildBackend(this, name, entry))]))
    this.apps = (settings.apps as AppClass[]).map((App) => new AppActor(new App(this)))
    this.dbRouter = settings.router === 'database' ? new DatabaseRouter(this, settings.dbRouterBatchSize) : undefined
    const dbRouter = this.dbRouter
    this.pipeline = new MessagePipeline({
      apps: this.apps,
      backends: this.backends,
      disablePhases: options.disablePhases,
      observer: options.observer,
      deliver: dbRouter && ((msg) => dbRouter.deliver(msg)),
    })
  }

  /** Validate the settings, open (and migrate) the database, build and start every actor. */
  static async start(userSettings: Settings | UserSettings, options: HostOptions = {}): Promise<Host> {
    const settings = defineConfig(userSettings)
    if (settings.router === 'queued') {
      throw new ConfigError('router', 'the queued router is not available in this version; use "blocking" or "database"')
    }
    if (settings.logLevel) configureLogging({ level: settings.logLevel })
    const db = options.db ?? (await openProjectDatabase(settings, { url: options.databaseUrl, cwd: options.cwd }))
    let bus = options.bus
    try {
      if (options.migrate !== false) {
        const applied = await db.migrate()
        if (applied.length) log.info({ migrations: applied }, `applied ${applied.length} migration(s)`)
      } else {
        const pending = await db.pendingMigrations()
        if (pending.length) throw new ConfigError('databaseUrl', `the database has ${pending.length} pending migration(s); run "rapidsms migrate" first`)
      }
      const natsUrl = process.env.NATS_URL ?? settings.natsUrl
      bus ??= natsUrl ? await NatsBus.connect(natsUrl) : new MemoryBus()
      const host = new Host(settings, db, bus, { db: !options.db, bus: !options.bus }, options)
      await host.#startActors()
      return host
    } catch (error) {
      if (!options.db) await db.close()
      if (bus && !options.bus) await bus.close()
      throw error
    }
  }

  /**
   * Hand an incoming message to its connection's actor; resolves once it is processed:
   * phases run, replies sent, its records committed (the blocking router). A connection
   * without an id (just a backend name and an identity) is looked up, or created.
   */
  receive(text: string, connection: ConnectionLike, fields: MessageFields = {}): Promise<IncomingMessage> {
    try {
      if (connection.id !== undefined) return this.receiveMessage(new IncomingMessage({ connections: [connection as Connection], text, fields }))
      // The gateway's path: a phone with a live actor needs no lookup.
      const actor = this.#connections.get(connectionKey(connection.backend.name, connection.identity))
      if (actor) return this.#enqueue(actor, new IncomingMessage({ connections: [actor.connection], text, fields }))
      return this.lookupConnections(connection.backend.name, [connection.identity]).then(([row]) => this.receiveMessage(new IncomingMessage({ connections: [row!], text, fields })))
    } catch (error) {
      // Callers get a rejected promise, never a throw, as from an async function.
      return Promise.reject(error)
    }
  }

  /** Like receive(), for a message built by the caller. */
  receiveMessage(msg: IncomingMessage): Promise<IncomingMessage> {
    const connection = msg.connections[0] as Connection | undefined
    if (!connection) return Promise.reject(new Error('An incoming message needs a connection'))
    return this.#enqueue(this.#actorFor(connection), msg)
  }

  #enqueue(actor: ConnectionActor, msg: IncomingMessage): Promise<IncomingMessage> {
    if (this.#stopping) return Promise.reject(new Error('The router is shutting down'))
    this.#received++
    return actor.receive(msg)
  }

  /** See RouterServices.inConversation. */
  async inConversation<T>(connection: ConnectionLike, work: () => Promise<T>): Promise<T> {
    if (this.#stopping) throw new Error('The router is shutting down')
    const row = connection.id !== undefined ? (connection as Connection) : (await this.lookupConnections(connection.backend.name, [connection.identity]))[0]!
    return this.#actorFor(row).run(work)
  }

  /** Create one outgoing message to every connection and send it (docs 8.1.2). */
  async send(text: string, connections: ConnectionLike | ConnectionLike[], options: SendOptions = {}): Promise<OutgoingMessage> {
    const MessageClass = options.messageClass ?? OutgoingMessage
    const msg = new MessageClass({
      text,
      connections: Array.isArray(connections) ? [...connections] : [connections],
      inResponseTo: options.inResponseTo ?? null,
      fields: options.fields,
    })
    return this.sendMessage(msg)
  }

  /** Run an outgoing message through the outgoing phase and its backends. */
  async sendMessage(msg: OutgoingMessage): Promise<OutgoingMessage> {
    if (!msg.inResponseTo) msg.scope = this.#newScope()
    await this.pipeline.send(msg)
    if (!msg.inResponseTo) await msg.scope.settle()
    return msg
  }

  /**
   * One connection per identity on a backend, created on the fly (docs 8.1.7). Connections
   * of live connection actors come from memory; the others are looked up together: every
   * identity missing in one turn of the event loop goes into one query, and concurrent
   * lookups of one identity share it (a burst of new phones costs a few queries, not a few
   * per phone).
   */
  lookupConnections(backend: string | { name: string }, identities: string[]): Promise<Connection[]> {
    const name = typeof backend === 'string' ? backend : backend.name
    // No identities still makes sure the backend record exists, as RapidSMS does.
    if (!identities.length) return backendRow(this.db.orm.em.fork(), name).then(() => [])
    const known = (key: string) => {
      const actor = this.#connections.get(key)
      return actor && !actor.stale ? actor.connection : this.#lookups.get(key)
    }
    const found: (Connection | Promise<Connection>)[] = []
    let waiting = false
    for (const identity of identities) {
      const key = connectionKey(name, identity)
      let connection = known(key)
      if (!connection) {
        const batch = this.#lookupBatch(name)
        batch.identities.push(identity)
        connection = batch.rows.then((rows) => this.#actorFor(rows.get(identity)!).connection).finally(() => this.#lookups.delete(key))
        this.#lookups.set(key, connection)
      }
      if (connection instanceof Promise) waiting = true
      found.push(connection)
    }
    return waiting ? Promise.all(found) : Promise.resolve(found as Connection[])
  }

  #lookupBatch(name: string): { identities: string[]; rows: Promise<Map<string, Connection>> } {
    let batch = this.#lookupBatches.get(name)
    if (!batch) {
      const identities: string[] = []
      const rows = new Promise<Map<string, Connection>>((resolve, reject) =>
        setImmediate(() => {
          this.#lookupBatches.delete(name)
          lookupConnectionRows(this.db.orm.em.fork(), name, identities).then((all) => resolve(new Map(all.map((c) => [c.identity, c]))), reject)
        }),
      )
      batch = { identities, rows }
      this.#lookupBatches.set(name, batch)
    }
    return batch
  }

  /** See RouterServices.reportStatus: with the DatabaseRouter, the transmission's status. */
  async reportStatus(update: StatusUpdate): Promise<void> {
    await this.dbRouter?.reportDelivery(update.messageId, update.identity, update.outcome)
  }

  getApp<T>(appClass: abstract new (...args: any[]) => T): T | undefined {
    return this.apps.find((actor) => actor.app instanceof appClass)?.app as T | undefined
  }

  /** Connection actors in memory. */
  get liveConnections(): number {
    return this.#connections.size
  }

  stats(): { received: number; connections: number; appErrors: number; sent: number; sendFailures: number } {
    let sent = 0
    let sendFailures = 0
    for (const b of this.backends.values()) {
      sent += b.sent
      sendFailures += b.failed
    }
    return {
      received: this.#received,
      connections: this.#connections.size,
      appErrors: this.apps.reduce((n, a) => n + a.errorCount, 0),
      sent,
      sendFailures,
    }
  }

  /** Release idle connection actors now (the sweeper does it every so often). */
  releaseIdleConnections(idleMs = this.settings.connectionIdleMs): number {
    const now = Date.now()
    let released = 0
    for (const [key, actor] of this.#connections) {
      if (actor.idle && now - actor.lastActive >= idleMs) {
        this.#connections.delete(key)
        released++
      }
    }
    return released
  }

  /** Stop taking messages, finish those in flight, stop every actor, close what the host opened. */
  async stop(): Promise<void> {
    if (this.#stopping) return
    // Messages a stopped host left are finished first, as any in flight.
    await this.resumed
    if (this.#stopping) return
    await this.scheduler.stop()
    this.#stopping = true
    clearInterval(this.#sweeper)
    for (let busy = this.#busyConnections(); busy.length; busy = this.#busyConnections()) await Promise.all(busy.map((actor) => actor.whenIdle()))
    this.db.orm.em.getEventManager().getSubscribers().delete(this.#changes)
    for (const actor of [...this.apps].reverse()) await actor.stop()
    for (const actor of this.backends.values()) await actor.stop()
    this.bus.publish('rapidsms.events.host.stopped', { at: new Date().toISOString() })
    if (this.owns.bus) await this.bus.close()
    if (this.owns.db) await this.db.close()
    else await this.db.writer.drain()
    log.info('router stopped')
  }

  #busyConnections(): ConnectionActor[] {
    return [...this.#connections.values()].filter((actor) => !actor.idle)
  }

  async #startActors(): Promise<void> {
    this.db.orm.em.getEventManager().registerSubscriber(this.#changes)
    for (const actor of this.backends.values()) await actor.start()
    for (const actor of this.apps) await actor.start()
    await this.scheduler.start()
    const every = Math.max(1000, Math.floor(this.settings.connectionIdleMs / 2))
    this.#sweeper = setInterval(() => this.releaseIdleConnections(), every).unref()
    if (this.dbRouter) {
      this.resumed = this.dbRouter.resume((msg) => this.receiveMessage(msg)).then(
        (left) => (left.incoming || left.outgoing) && log.info(left, `resumed ${left.incoming} incoming message(s) and ${left.outgoing} outgoing transmission(s)`),
        (error: unknown) => log.error({ err: error }, 'could not resume the messages a stopped router left'),
      )
    }
    this.bus.publish('rapidsms.events.host.started', {
      apps: this.apps.map((a) => a.name),
      backends: [...this.backends.keys()],
      at: new Date().toISOString(),
    })
  }

  #actorFor(connection: Connection): ConnectionActor {
    const key = connectionKey(connection.backend.name, connection.identity)
    let actor = this.#connections.get(key)
    if (!actor) {
      const created: ConnectionActor = new ConnectionActor(key, connection, (msg) => this.#process(msg, created))
      actor = created
      this.#connections.set(key, actor)
    } else if (actor.connection !== connection && connection.id !== undefined) {
      // The caller holds a fresher copy of the row (e.g. just looked up): keep that one.
      actor.connection = connection
    }
    return actor
  }

  /**
   * Connection actors keep their row, contact included, between messages. A flush that
   * changed or deleted a Connection or a Contact (an app, an admin page, a fixture: any
   * EntityManager of this database) marks the conversations it touches, which reload their
   * row before their next message. A created row is no conversation's yet (linking it
   * changes the connection), so creations cost no look at the conversations. Changes made
   * with raw SQL are not seen until the conversation has been idle for `connectionIdleMs`.
   */
  #changed({ uow }: FlushEventArgs): void {
    const connections = new Set<unknown>()
    const contacts = new Set<unknown>()
    for (const change of uow.getChangeSets()) {
      if (change.type === ChangeSetType.CREATE) continue
      if (change.name === Connection.meta.className) connections.add(change.getPrimaryKey())
      else if (change.name === Contact.meta.className) contacts.add(change.getPrimaryKey())
    }
    if (!connections.size && !contacts.size) return
    for (const actor of this.#connections.values()) {
      const { id, contact } = actor.connection
      if (connections.has(id) || (contact && contacts.has(contact.id))) actor.stale = true
    }
  }

  /** The connection's row as the database holds it now, for a conversation marked stale. */
  async #reload(actor: ConnectionActor, msg: IncomingMessage): Promise<void> {
    actor.stale = false
    const fresh = await this.db.orm.em.fork().findOne(Connection, actor.connection.id, { populate: ['backend', 'contact'] })
    if (!fresh) return
    actor.connection = fresh
    msg.connections = msg.connections.map((c) => (c.id === fresh.id ? fresh : c))
  }

  async #process(msg: IncomingMessage, actor: ConnectionActor): Promise<void> {
    if (actor.stale) await this.#reload(actor, msg)
    msg.scope = this.#newScope()
    if (this.dbRouter) return this.dbRouter.process(msg, () => this.#run(msg))
    await this.#run(msg)
  }

  async #run(msg: IncomingMessage): Promise<void> {
    await this.pipeline.receive(msg)
    await msg.scope.settle()
  }

  readonly #forkEm = () => this.db.orm.em.fork()

  #newScope(): MessageScope {
    return new MessageScope(this.#forkEm)
  }
}

function buildBackend(host: Host, name: string, entry: { engine: unknown }): InstanceType<BackendClass> {
  const Engine = entry.engine as BackendClass
  try {
    return new Engine(host, name, entry as Record<string, unknown>)
  } catch (error) {
    if (error instanceof ConfigError) throw error.under(`backends.${name}`)
    throw error
  }
}
