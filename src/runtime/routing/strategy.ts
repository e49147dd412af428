import type { EntitySchema } from '@mikro-orm/core'
import type { StatusUpdate } from '../../backends/ports.js'
import type { Clock } from '../../core/clock.js'
import type { RouterName } from '../../core/config.js'
import type { Inspector } from '../../core/inspection.js'
import type { IncomingMessage, OutgoingMessage } from '../../core/messages/index.js'
import type { Connection, Database, MigrationEntry } from '../../models/index.js'
import type { DeliveryPath } from '../delivery.js'

/** What a routing strategy gets from its host. */
export interface RoutingContext {
  readonly db: Database
  readonly clock: Clock
  readonly inspector: Inspector
  /** The one way messages reach backends. */
  readonly delivery: DeliveryPath
  /** `dbRouterBatchSize`: transmissions per backend call. */
  readonly batchSize: number
  /** Saved connections for a backend's identities (created on the fly). */
  lookupConnections(backend: string, identities: string[]): Promise<Connection[]>
}

/** What was left undone by a stopped host and taken up by this one. */
export interface Resumed {
  incoming: number
  outgoing: number
}

/**
 * Decides when each step of a message runs and what is recorded of it (RapidSMS's
 * RAPIDSMS_ROUTER): the blocking and database routers today, the queued one next. The host
 * runs the phases; the strategy wraps them.
 */
export interface RoutingStrategy {
  readonly name: RouterName
  /**
   * An inbound source (the web edge, a serial port) hands a message in: resolves when the
   * source may acknowledge it to its peer (answer 200, delete it from the SIM). `receive`
   * queues it in its conversation and resolves once it was processed.
   */
  accept(receive: () => Promise<IncomingMessage>): Promise<void>
  /** Process an incoming message in its conversation; `run` runs its phases, replies and records. */
  process(msg: IncomingMessage, run: () => Promise<void>): Promise<void>
  /** Hand an outgoing message that passed its outgoing phase to its backends. */
  deliver(msg: OutgoingMessage): Promise<void>
  /**
   * Would deliver() of a reply to backend `name` be only rows of the message's held unit
   * (see RouterServices.sendsInUnit)? Only where it hands the backend the message's scope
   * before it resolves: the blocking router does; the database router sends its stored
   * transmissions in commits of their own.
   */
  sendsInUnit(name: string): boolean
  /** At start: take up what a stopped host left undone; `receive` processes an incoming message. */
  resume(receive: (msg: IncomingMessage) => Promise<unknown>): Promise<Resumed>
  /** A gateway's delivery report for a message it sent. */
  reportStatus(update: StatusUpdate): Promise<void>
}

/** A routing strategy's class: built once per host; brings its tables. */
export interface RoutingStrategyClass {
  new (context: RoutingContext): RoutingStrategy
  readonly entities: readonly EntitySchema<any, any>[]
  readonly migrations: readonly MigrationEntry[]
}
