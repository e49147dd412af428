import type { EntitySchema } from '@mikro-orm/core'
import type { z } from 'zod'
import type { IncomingMessage, OutgoingMessage } from '../core/messages/index.js'
import type { AdminEntry, MigrationEntry } from '../models/index.js'
import type { RouterServices } from './router.js'

/** What a phase method may return; only exact `true` (or `false` for outgoing) matters. */
export type PhaseResult = boolean | void | undefined | unknown
export type IncomingPhase = 'filter' | 'parse' | 'handle' | 'default' | 'cleanup'
export type Phase = IncomingPhase | 'outgoing'

/** An app's web pages, as the site mounts them (see `PageModule` in rapidsms/web). */
export interface AppPages {
  readonly path: string
  readonly title: string
}

/**
 * The phase API users subclass (docs chapter 6). Every method may be async.
 * @example
 * class PingPong extends AppBase {
 *   handle(msg: IncomingMessage) {
 *     if (msg.text === 'ping') { msg.respond('pong'); return true }
 *     return false
 *   }
 * }
 */
export abstract class AppBase {
  static readonly rapidsmsKind = 'app'
  /** Settings this app adds to the project's config, validated at startup. */
  static settings?: Record<string, z.ZodType>
  /** Entities (tables) this app keeps. */
  static entities?: EntitySchema<any, any>[]
  /** Migrations that create this app's tables, oldest first. */
  static migrations?: MigrationEntry[]
  /** The app's name in logs and `<app: name>`; defaults to the class name. */
  static appName?: string
  /** The web pages this app adds to the site (`definePages` in rapidsms/web). */
  static pages?: AppPages
  /** Entities this app shows in the admin (its list, add, change and delete pages). */
  static admin?: AdminEntry[]
  /**
   * The app's dotted module name, as RapidSMS names it in INSTALLED_APPS
   * (`rapidsms.contrib.echo`): what `handlersExcludeApps` and the prefixes of
   * `installedHandlers` / `excludedHandlers` are compared with. Defaults to `appName`, else
   * the class name.
   */
  static module?: string
  /**
   * The handler classes this app brings (an app's `handlers/` folder in RapidSMS): the
   * handlers app discovers them when the `handlers` setting is not set (deprecated; docs
   * 21.3.4). Listing them in `handlers` is the way RapidSMS recommends.
   */
  static handlers?: readonly (abstract new (...args: any[]) => unknown)[]
  /**
   * Fields this app adds to Contact (RapidSMS's extensible models, docs 12): MikroORM
   * property builders by name, e.g. `{ isUsed: p.boolean().default(true) }`. They become
   * columns of rapidsms_contact (`rapidsms makemigrations` writes them), properties of every
   * contact loaded, and fields of the registration and admin pages.
   */
  static contactFields?: Record<string, object>
  /** Fields this app adds to Connection, as `contactFields` does to Contact. */
  static connectionFields?: Record<string, object>

  constructor(readonly router: RouterServices) {}

  get name(): string {
    const cls = this.constructor as typeof AppBase
    return cls.appName ?? cls.name
  }

  /** Return true to stop all further processing of the message (cleanup included). */
  filter(_msg: IncomingMessage): PhaseResult | Promise<PhaseResult> {
    return undefined
  }
  /** Annotate the message for every app; the return value is ignored. */
  parse(_msg: IncomingMessage): PhaseResult | Promise<PhaseResult> {
    return undefined
  }
  /** Return true when this app handled the message: later apps and default are skipped. */
  handle(_msg: IncomingMessage): PhaseResult | Promise<PhaseResult> {
    return undefined
  }
  /** Runs when no app handled the message; return true to stop later apps' default. */
  default(_msg: IncomingMessage): PhaseResult | Promise<PhaseResult> {
    return undefined
  }
  /** Runs after handle/default for every message that was not filtered. */
  cleanup(_msg: IncomingMessage): PhaseResult | Promise<PhaseResult> {
    return undefined
  }
  /** Sees outgoing messages (apps in reverse order); return false to cancel the message. */
  outgoing(_msg: OutgoingMessage): PhaseResult | Promise<PhaseResult> {
    return undefined
  }

  /** Called when the host starts and stops. */
  start(): void | Promise<void> {}
  stop(): void | Promise<void> {}

  toString(): string {
    return `<app: ${this.name}>`
  }
}

export type AppClass = (new (router: RouterServices) => AppBase) & Pick<typeof AppBase, keyof typeof AppBase>

/** True when `app` overrides `phase` (the host skips apps that only inherit the no-op). */
export function implementsPhase(app: AppBase, phase: Phase): boolean {
  return (app as unknown as Record<Phase, unknown>)[phase] !== AppBase.prototype[phase]
}
