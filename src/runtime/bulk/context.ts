import type { MessagePipeline } from '../../../actors/message-pipeline.js'
import type { Clock } from '../../core/clock.js'
import type { Inspector } from '../../core/inspection.js'
import type { Database } from '../../models/index.js'
import type { DeliveryPath } from '../delivery.js'
import type { BulkJobStatus } from './models.js'

declare module '../../core/inspection.js' {
  interface InspectionEvents {
    /** A bulk job starts (or goes on) sending: `queued` recipients are left to send. */
    'bulk.started': { jobId: number; messageId: string; total: number; queued: number; resumed: boolean }
    /** A batch of a bulk job came back from its backend. */
    'bulk.batch': { jobId: number; backend: string; identities: number; sent: number; failed: number }
    /** A bulk job stopped: done, paused, or left `sending` by a host that stops. */
    'bulk.finished': { jobId: number; status: BulkJobStatus; sent: number; failed: number; queued: number }
  }
}

/** What a bulk sender takes from its host. */
export interface BulkContext {
  db: Database
  clock: Clock
  inspector: Inspector
  /** Runs each batch through the outgoing phase of the apps. */
  pipeline: Pick<MessagePipeline, 'send' | 'hasOutgoingApps'>
  /** The one way messages reach backends (their actors pace and retry). */
  delivery: DeliveryPath
  /** `dbRouterBatchSize`: recipients per backend call. */
  batchSize: number
  /** The backends the project has. */
  backends: readonly string[]
}
