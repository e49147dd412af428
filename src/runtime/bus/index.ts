export * from './types.js'
export { MemoryBus } from './memory.js'
export { NatsBus } from './nats.js'
