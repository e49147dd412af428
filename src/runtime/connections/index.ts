export { ConnectionRegistry, type RegistryOptions } from './registry.js'
export { LookupBatches } from './lookups.js'
export { changeTracker } from './change-tracking.js'
