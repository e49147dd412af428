import type { AppClass } from '../../apps/index.js'
import type { HandlerClass } from './handlers/base.js'

/** The settings of the old, deprecated handler discovery (docs 10.3, 10.5, 10.8). */
export interface DiscoverySettings {
  /** INSTALLED_HANDLERS: load only handlers whose module starts with one of these; null: all. */
  installedHandlers?: string[] | null
  /** EXCLUDED_HANDLERS: never load handlers whose module starts with one of these. */
  excludedHandlers?: string[]
  /** RAPIDSMS_HANDLERS_EXCLUDE_APPS: never load handlers of these apps (module names or classes). */
  handlersExcludeApps?: (string | AppClass)[]
}

/** A handler found in an app, with the module name prefixes are matched against. */
export interface DiscoveredHandler {
  handler: HandlerClass
  app: AppClass
  module: string
}

/** The app's module name: `module`, else `appName`, else the class name. */
export function appModule(app: AppClass): string {
  return app.module ?? app.appName ?? app.name
}

/**
 * A handler's module name, as Python would name the module of a handler in an app's
 * `handlers/` folder: its own `module` when it has one, else
 * `<app module>.handlers.<class name without "Handler", in snake_case>`, so EchoHandler of
 * `rapidsms.contrib.echo` is `rapidsms.contrib.echo.handlers.echo`.
 */
export function handlerModule(handler: HandlerClass, app: AppClass): string {
  if (handler.module) return handler.module
  const base = handler.name.replace(/Handler$/, '') || handler.name
  return `${appModule(app)}.handlers.${base.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()}`
}

/**
 * RapidSMS's handler discovery without RAPIDSMS_HANDLERS (docs 21.3.4): the handlers every
 * installed app brings (`static handlers`), in the order of `apps` and then of each app's
 * list, except the handlers app's own and those of `handlersExcludeApps`; kept when their
 * module starts with a prefix of `installedHandlers` (unless it is null: all are), dropped
 * when it starts with one of `excludedHandlers`. A handler two apps bring counts once, for
 * the first.
 */
export function discoverHandlers(apps: readonly AppClass[], settings: DiscoverySettings, handlersApp?: AppClass): DiscoveredHandler[] {
  const excludedApps = settings.handlersExcludeApps ?? []
  const excluded = (app: AppClass) => excludedApps.some((entry) => (typeof entry === 'string' ? entry === appModule(app) : entry === app))
  const seen = new Set<HandlerClass>()
  const found: DiscoveredHandler[] = []
  for (const app of apps) {
    if (app === handlersApp || excluded(app)) continue
    for (const handler of (app.handlers ?? []) as HandlerClass[]) {
      if (seen.has(handler)) continue
      seen.add(handler)
      found.push({ handler, app, module: handlerModule(handler, app) })
    }
  }
  const installed = settings.installedHandlers
  return found.filter(
    ({ module }) => (installed == null || installed.some((prefix) => module.startsWith(prefix))) && !(settings.excludedHandlers ?? []).some((prefix) => module.startsWith(prefix)),
  )
}
