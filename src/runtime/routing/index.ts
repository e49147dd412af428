import type { RouterName } from '../../core/config.js'
import { ConfigError } from '../../core/errors.js'
import { BlockingRouter } from './blocking.js'
import { DatabaseRouter } from './database/index.js'
import type { RoutingStrategyClass } from './strategy.js'

/** The routing strategies a project may name in `router`. */
export const ROUTING_STRATEGIES: Readonly<Record<Exclude<RouterName, 'queued'>, RoutingStrategyClass>> = {
  blocking: BlockingRouter,
  database: DatabaseRouter,
}

/** The strategy class of the `router` setting; the queued router is not available yet. */
export function routingStrategyClass(name: RouterName): RoutingStrategyClass {
  if (name === 'queued') throw new ConfigError('router', 'the queued router is not available in this version; use "blocking" or "database"')
  return ROUTING_STRATEGIES[name]
}

export { BlockingRouter } from './blocking.js'
export type { RoutingStrategy, RoutingStrategyClass, RoutingContext, Resumed } from './strategy.js'
export * from './database/index.js'
