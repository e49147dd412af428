export { AppBase, implementsPhase, type AppClass, type Phase, type IncomingPhase, type PhaseResult } from './base.js'
export type { RouterServices, SendOptions } from './router.js'
