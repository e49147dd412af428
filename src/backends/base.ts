import { inspect } from 'node:util'
import type { EntitySchema } from '@mikro-orm/core'
import type { RouterServices } from '../apps/router.js'
import { normalizeBackendConfig } from '../core/config.js'
import { getLogger, type Logger } from '../core/logger.js'
import type { BackendContext } from '../core/messages/index.js'
import type { MessageScope } from '../core/scope.js'
import { backendRow, type AdminEntry, type Backend, type MigrationEntry } from '../models/index.js'
import { inboundPort, type InboundPort, type OutboundPort } from './ports.js'

export type BackendConfig = Record<string, unknown>

/**
 * Base class of outbound backends (docs 7.4.2). The router calls `send()` once per message
 * and backend with every identity of that backend; errors thrown there are logged by the
 * router, never thrown at apps.
 * @example
 * class SmsGateway extends BackendBase {
 *   async send(id, text, identities, context) { await fetch(this.config.url as string, ...) }
 * }
 */
export abstract class BackendBase implements OutboundPort {
  static readonly rapidsmsKind = 'backend'
  /** Entities (tables) this backend keeps, e.g. delivery reports. */
  static entities?: EntitySchema<any, any>[]
  /** Migrations that create them. */
  static migrations?: MigrationEntry[]
  /** Entities shown in the admin when the backend is configured (e.g. Kannel's delivery reports). */
  static admin?: AdminEntry[]

  /** The configuration from `backends`, keys lower-cased. */
  readonly config: BackendConfig
  protected readonly logger: Logger
  /** Where this backend hands in the messages it receives and the delivery reports it gets. */
  readonly inbound: InboundPort

  constructor(
    readonly router: RouterServices,
    readonly name: string,
    config: BackendConfig = {},
  ) {
    this.config = normalizeBackendConfig(config)
    this.logger = getLogger(`rapidsms.backends.${this.name}`)
    this.inbound = inboundPort(router, name)
    this.configure(this.config)
  }

  /**
   * How many identities one request to the gateway carries (Kannel's `to`, Vumi's `to_addr`:
   * all of them; the generic HTTP backend: one). A backend actor that paces sends
   * (`rate_limit`, `max_concurrency`) counts requests, so it splits larger sends.
   */
  get identitiesPerRequest(): number {
    return Infinity
  }

  /**
   * Is a send to this backend nothing but rows queued in the message's unit when the writer
   * holds it (DatabaseBackend)? Then such a send is not seen outside until that unit commits,
   * and is gone with it if it fails: a dialogue step sends its texts before its commit and
   * stores them as sent in it (one commit, no resend after a crash). A backend that reaches a
   * gateway says no (the default): its texts go once the step is stored.
   */
  get sendsInUnit(): boolean {
    return false
  }

  /** Parse the configuration; called once by the constructor. Throw ConfigError on bad values. */
  configure(_config: BackendConfig): void {}

  /**
   * Hand one message to the gateway for every identity given. `scope` is the message's own
   * (absent for a DatabaseRouter transmission or a bulk batch): a backend whose send is rows
   * of the database may queue them in its unit when the writer holds it (the rows then commit
   * with the message's records, e.g. a dialogue step's note that its texts were sent) and
   * track them there instead of waiting for them (see DatabaseBackend).
   */
  abstract send(id: string, text: string, identities: string[], context: BackendContext, scope?: MessageScope): Promise<void> | void

  /** The Backend row with this backend's name, created if missing. */
  model(): Promise<Backend> {
    return backendRow(this.router.db.orm.em.fork(), this.name)
  }

  start(): void | Promise<void> {}
  stop(): void | Promise<void> {}

  toString(): string {
    return this.name
  }

  [inspect.custom](): string {
    return `<backend: ${this.name}>`
  }
}

export type BackendClass = (new (router: RouterServices, name: string, config?: BackendConfig) => BackendBase) &
  Pick<typeof BackendBase, keyof typeof BackendBase>
