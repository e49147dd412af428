import { z } from 'zod'
import { AppBase, type AppClass } from '../../apps/index.js'
import { getLogger } from '../../core/logger.js'
import type { IncomingMessage } from '../../core/messages/index.js'
import { isThenable } from '../../core/thenable.js'
import { discoverHandlers, type DiscoverySettings } from './discovery.js'
import type { HandlerClass } from './handlers/base.js'

const log = getLogger('rapidsms.contrib.handlers')

/** Django's DeprecationWarning for a project without RAPIDSMS_HANDLERS (rapidsms.contrib.handlers.utils). */
export const DISCOVERY_DEPRECATED =
  'Please set the handlers setting (RAPIDSMS_HANDLERS) to the handlers that should be installed. The old behavior of installing all defined handlers, possibly modified by installedHandlers and/or excludedHandlers, is deprecated and will be removed'

const DEPRECATED_SETTINGS = { installedHandlers: 'INSTALLED_HANDLERS', excludedHandlers: 'EXCLUDED_HANDLERS', handlersExcludeApps: 'RAPIDSMS_HANDLERS_EXCLUDE_APPS' } as const

/**
 * Offers every incoming message, in its handle phase, to the handler classes of the
 * `handlers` setting (RAPIDSMS_HANDLERS) in list order; the first that accepts it wins and
 * the message is handled (behaviour 28). When none accepts, processing goes on. Without
 * the `handlers` setting it discovers the handlers the installed apps bring (behaviour 29),
 * narrowed by `installedHandlers`, `excludedHandlers` and `handlersExcludeApps`, and warns
 * once that this is deprecated.
 */
export class HandlersApp extends AppBase {
  static override appName = 'handlers'
  static override module = 'rapidsms.contrib.handlers'
  static override settings = {
    /** INSTALLED_HANDLERS (deprecated): module-name prefixes; null loads every discovered handler. */
    installedHandlers: z.array(z.string()).nullable().optional(),
    /** EXCLUDED_HANDLERS (deprecated): module-name prefixes never loaded. */
    excludedHandlers: z.array(z.string()).optional(),
    /** RAPIDSMS_HANDLERS_EXCLUDE_APPS (deprecated): apps (module names or classes) whose handlers are not loaded. */
    handlersExcludeApps: z.array(z.union([z.string(), z.custom<AppClass>((v) => typeof v === 'function', { message: 'expected an app module name or an app class' })])).optional(),
  }

  #handlers: HandlerClass[] | undefined

  /** The handlers in the order they are offered messages. */
  get handlers(): HandlerClass[] {
    return (this.#handlers ??= this.#load())
  }

  override start(): void {
    if (this.handlers.length) log.info({ handlers: this.handlers.map((h) => h.name) }, `Registered: ${this.handlers.map((h) => h.name).join(', ')}`)
  }

  #load(): HandlerClass[] {
    const settings = this.router.settings as typeof this.router.settings & DiscoverySettings
    const used = (Object.keys(DEPRECATED_SETTINGS) as (keyof typeof DEPRECATED_SETTINGS)[]).filter((key) => settings[key] !== undefined)
    if (settings.handlers) {
      for (const key of used) log.warn({ setting: key }, `The ${key} setting (${DEPRECATED_SETTINGS[key]}) is deprecated and ignored: the handlers setting lists the handlers`)
      return settings.handlers as HandlerClass[]
    }
    log.warn(DISCOVERY_DEPRECATED)
    for (const key of used) log.warn({ setting: key }, `The ${key} setting (${DEPRECATED_SETTINGS[key]}) is deprecated: list the handlers in the handlers setting instead`)
    return discoverHandlers(settings.apps as AppClass[], settings, this.constructor as AppClass).map((found) => found.handler)
  }

  /** Synchronous while the handlers' dispatch is: a message costs no promise unless one waits. */
  override handle(msg: IncomingMessage): boolean | Promise<boolean> {
    return this.#dispatchFrom(msg, 0)
  }

  /** Offer the message to the handlers from `first` on, in order, until one accepts it. */
  #dispatchFrom(msg: IncomingMessage, first: number): boolean | Promise<boolean> {
    const handlers = this.handlers
    for (let i = first; i < handlers.length; i++) {
      const handler = handlers[i]!
      // RapidSMS takes any truthy dispatch result as "accepted".
      const accepted = handler.dispatch(this.router, msg)
      if (isThenable(accepted)) return Promise.resolve(accepted).then((value) => (value ? this.#accepted(msg, handler) : this.#dispatchFrom(msg, i + 1)))
      if (accepted) return this.#accepted(msg, handler)
    }
    return false
  }

  #accepted(msg: IncomingMessage, handler: HandlerClass): true {
    log.debug({ msgId: msg.id, handler: handler.name }, `Incoming message handled by ${handler.name}`)
    return true
  }
}
