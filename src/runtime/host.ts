import { AppActor } from '../../actors/app.actor.js'
import { BackendActor } from '../../actors/backend.actor.js'
import { MessagePipeline } from '../../actors/message-pipeline.js'
import type { AppClass, RouterServices, SendOptions } from '../apps/index.js'
import type { BackendClass } from '../backends/base.js'
import type { StatusUpdate } from '../backends/ports.js'
import { systemClock, type Clock } from '../core/clock.js'
import type { Settings, UserSettings } from '../core/config.js'
import { ConfigError } from '../core/errors.js'
import { Inspector, type InspectionListener } from '../core/inspection.js'
import { getLogger } from '../core/logger.js'
import type { BulkOptions, BulkRecipients, BulkResult } from '../core/bulk.js'
import type { ConnectionLike, IncomingMessage, MessageFields, OutgoingMessage } from '../core/messages/index.js'
import type { Connection, Database } from '../models/index.js'
import { bootstrap, type BootstrapOptions, type Foundation } from './bootstrap.js'
import type { Bus } from './bus/index.js'
import { BulkSender } from './bulk/index.js'
import { ConnectionRegistry } from './connections/index.js'
import { DeliveryPath } from './delivery.js'
import { publishEvents } from './events.js'
import { routingStrategyClass, type RoutingStrategy } from './routing/index.js'
import { HostScheduler } from './scheduler/index.js'
import { Messaging } from './messaging.js'
import { hostStats, type HostStats } from './stats.js'

const log = getLogger('rapidsms.router')

export interface HostOptions extends BootstrapOptions {
  /** Record messages but run no phases (the test harness's `disablePhases`). */
  disablePhases?: boolean
  /** Where time comes from (default: the machine's clock); tests pass a FakeClock. */
  clock?: Clock
  /** Listens to the inspection stream from the start (as xstate's `createActor(m, { inspect })`). */
  inspect?: InspectionListener
  /** Go on at start with the bulk jobs stopped hosts left (default true; `rapidsms send` runs only its own). */
  resumeBulk?: boolean
}

/**
 * One actor host: it composes the pieces (the foundation from `bootstrap`, the app, backend
 * and connection actors, the routing strategy, the delivery path, the inspection stream),
 * supervises them from start to stop, and offers the messaging API (receive, send,
 * lookupConnections) to apps, backends and the project. Routers are built once per host, not
 * per call (our deliberate difference 10).
 */
export class Host implements RouterServices {
  readonly settings: Settings
  readonly db: Database
  readonly bus: Bus
  readonly clock: Clock
  readonly inspector: Inspector
  /** Durable wake times and tasks: started after the actors, stopped before them. */
  readonly scheduler: HostScheduler
  readonly apps: readonly AppActor[]
  readonly backends: ReadonlyMap<string, BackendActor>
  /** The routing strategy of the `router` setting (blocking or database). */
  readonly routing: RoutingStrategy
  readonly pipeline: MessagePipeline
  readonly connections: ConnectionRegistry
  readonly messaging: Messaging
  /** Bulk jobs: one text to many recipients, in batches, with a status each (see BulkSender). */
  readonly bulk: BulkSender
  /** What the last host left undone, resumed at start (the DatabaseRouter's). */
  resumed: Promise<unknown> = Promise.resolve()
  readonly #owns: Foundation['owns']
  #stopping = false
  readonly #resumeBulk: boolean
  #unpublish: (() => void) | undefined

  private constructor(foundation: Foundation, options: HostOptions, clock: Clock) {
    ;({ settings: this.settings, db: this.db, bus: this.bus, owns: this.#owns } = foundation)
    this.clock = clock
    this.inspector = new Inspector(clock)
    if (options.inspect) this.inspector.subscribe(options.inspect)
    this.scheduler = new HostScheduler(clock, this.db, this.inspector)
    const actorOptions = { clock, inspector: this.inspector }
    this.backends = new Map(Object.entries(this.settings.backends).map(([name, entry]) => [name, new BackendActor(buildBackend(this, name, entry), actorOptions)]))
    this.apps = (this.settings.apps as AppClass[]).map((App) => new AppActor(new App(this), this.inspector))
    const lookupConnections = (backend: string, identities: string[]) => this.lookupConnections(backend, identities)
    const Strategy = routingStrategyClass(this.settings.router)
    const [delivery, batchSize] = [new DeliveryPath(this.backends), this.settings.dbRouterBatchSize]
    this.routing = new Strategy({ db: this.db, clock, inspector: this.inspector, delivery, batchSize, lookupConnections })
    this.pipeline = new MessagePipeline({ apps: this.apps, deliver: (msg) => this.routing.deliver(msg), inspector: this.inspector, disablePhases: options.disablePhases })
    this.connections = new ConnectionRegistry({ db: this.db, clock, inspector: this.inspector, idleMs: this.settings.connectionIdleMs, process: (msg) => this.messaging.process(msg) })
    this.bulk = new BulkSender({ db: this.db, clock, inspector: this.inspector, pipeline: this.pipeline, delivery, batchSize, backends: [...this.backends.keys()] })
    this.messaging = new Messaging({ db: this.db, connections: this.connections, pipeline: this.pipeline, routing: this.routing, bulk: this.bulk })
    this.#resumeBulk = options.resumeBulk !== false
  }

  /** Validate the settings, open (and migrate) the database, build and start every actor. */
  static async start(userSettings: Settings | UserSettings, options: HostOptions = {}): Promise<Host> {
    const clock = options.clock ?? systemClock
    const host = new Host(await bootstrap(userSettings, options, clock), options, clock)
    await host.#startActors()
    return host
  }

  // The messaging API (docs 8.1), see Messaging.
  receive(text: string, connection: ConnectionLike, fields?: MessageFields): Promise<IncomingMessage> {
    return this.messaging.receive(text, connection, fields)
  }
  receiveMessage(msg: IncomingMessage): Promise<IncomingMessage> {
    return this.messaging.receiveMessage(msg)
  }
  accept(text: string, connection: ConnectionLike, fields?: MessageFields): Promise<void> {
    return this.messaging.accept(text, connection, fields)
  }
  inConversation<T>(connection: ConnectionLike, work: () => Promise<T>): Promise<T> {
    return this.messaging.inConversation(connection, work)
  }
  conversationMemory(connection: ConnectionLike): Map<unknown, unknown> | undefined {
    return this.connections.live(connection.backend.name, connection.identity)?.memory
  }
  sendsInUnit(connection: ConnectionLike): boolean {
    return this.routing.sendsInUnit(connection.backend.name)
  }
  send(text: string, connections: ConnectionLike | ConnectionLike[], options?: SendOptions): Promise<OutgoingMessage> {
    return this.messaging.send(text, connections, options)
  }
  sendMessage(msg: OutgoingMessage): Promise<OutgoingMessage> {
    return this.messaging.sendMessage(msg)
  }
  lookupConnections(backend: string | { name: string }, identities: string[]): Promise<Connection[]> {
    return this.messaging.lookupConnections(backend, identities)
  }
  sendBulk(text: string, recipients: BulkRecipients, options?: BulkOptions): Promise<BulkResult> {
    return this.bulk.send(text, recipients, options)
  }

  /** See RouterServices.reportStatus: the routing strategy records it (the DatabaseRouter: the transmission's status). */
  async reportStatus(update: StatusUpdate): Promise<void> {
    this.inspector.emit('status.reported', { msgId: update.messageId, identity: update.identity, outcome: update.outcome, ...(update.backend && { backend: update.backend }) })
    await this.routing.reportStatus(update)
    await this.bulk.reportStatus(update)
  }

  getApp<T>(appClass: abstract new (...args: any[]) => T): T | undefined {
    return this.apps.find((actor) => actor.app instanceof appClass)?.app as T | undefined
  }

  /** Connection actors in memory. */
  get liveConnections(): number {
    return this.connections.size
  }

  stats(): HostStats {
    return hostStats(this, this.messaging.received)
  }

  /** Release idle connection actors now (the registry does it every so often). */
  releaseIdleConnections(idleMs = this.settings.connectionIdleMs): number {
    return this.connections.releaseIdle(idleMs)
  }

  /** Stop taking messages, finish those in flight, stop every actor, close what the host opened. */
  async stop(): Promise<void> {
    if (this.#stopping) return
    // Messages a stopped host left are finished first, as any in flight.
    await this.resumed
    if (this.#stopping) return
    await this.scheduler.stop()
    this.#stopping = true
    this.inspector.emit('actor.stopping', { kind: 'host', name: this.settings.projectName })
    this.messaging.close()
    await this.bulk.stop()
    await this.connections.whenIdle()
    this.connections.stop()
    for (const actor of [...this.apps].reverse()) await this.#supervise('stopped', 'app', actor)
    for (const actor of this.backends.values()) await this.#supervise('stopped', 'backend', actor)
    this.inspector.emit('actor.stopped', { kind: 'host', name: this.settings.projectName })
    this.#unpublish?.()
    this.bus.publish('rapidsms.events.host.stopped', { at: this.clock.date().toISOString() })
    if (this.#owns.bus) await this.bus.close()
    if (this.#owns.db) await this.db.close()
    else await this.db.writer.drain()
    log.info('router stopped')
  }

  async #startActors(): Promise<void> {
    this.#unpublish = publishEvents(this.inspector, this.bus)
    this.connections.start()
    for (const actor of this.backends.values()) await this.#supervise('started', 'backend', actor)
    for (const actor of this.apps) await this.#supervise('started', 'app', actor)
    await this.scheduler.start()
    this.resumed = this.routing.resume((msg) => this.receiveMessage(msg)).then(
      (left) => (left.incoming || left.outgoing) && log.info(left, `resumed ${left.incoming} incoming message(s) and ${left.outgoing} outgoing transmission(s)`),
      (error: unknown) => log.error({ err: error }, 'could not resume the messages a stopped router left'),
    )
    if (this.#resumeBulk) this.bulk.resume().catch((error: unknown) => log.error({ err: error }, 'could not go on with the bulk jobs a stopped host left'))
    this.inspector.emit('actor.started', { kind: 'host', name: this.settings.projectName })
    this.bus.publish('rapidsms.events.host.started', { apps: this.apps.map((a) => a.name), backends: [...this.backends.keys()], at: this.clock.date().toISOString() })
  }

  /** Start or stop an app or backend actor, and say so on the inspection stream. */
  async #supervise(change: 'started' | 'stopped', kind: 'app' | 'backend', actor: AppActor | BackendActor): Promise<void> {
    await (change === 'started' ? actor.start() : actor.stop())
    this.inspector.emit(`actor.${change}`, { kind, name: actor.name })
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
