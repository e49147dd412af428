import type { Clock } from '../../core/clock.js'
import { chunked, groupBy } from '../../core/group-by.js'
import type { BulkStatements } from './statements.js'

/** A recipient that failed, and why. */
export interface FailedRecipient {
  id: number
  error: string
}

/** What became of one batch: the recipients sent, and those failed. */
export interface BatchOutcome {
  sentIds: number[]
  failed: FailedRecipient[]
}

interface Waiting {
  outcome: BatchOutcome
  resolve: (held: boolean) => void
  reject: (error: unknown) => void
}

/** Recipient ids per statement. */
const IDS_PER_STATEMENT = 1000

/**
 * Writes the outcomes of a job's batches, those that came back meanwhile together in one
 * transaction (a group commit: a commit waits for the disk, and the batches in flight go on
 * meanwhile), with the job's lease renewed in it. Each write resolves once committed, with
 * whether the runner still held the job.
 */
export class StatusWriter {
  #queue: Waiting[] = []
  #flushing = false

  constructor(
    private readonly sql: BulkStatements,
    private readonly jobId: number,
    private readonly runner: string,
    private readonly clock: Clock,
  ) {}

  write(outcome: BatchOutcome): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ outcome, resolve, reject })
      if (!this.#flushing) void this.#flush()
    })
  }

  async #flush(): Promise<void> {
    this.#flushing = true
    try {
      while (this.#queue.length) {
        const group = this.#queue.splice(0)
        try {
          const held = await this.#commit(group.map((w) => w.outcome))
          for (const w of group) w.resolve(held)
        } catch (error) {
          for (const w of group) w.reject(error)
        }
      }
    } finally {
      this.#flushing = false
    }
  }

  #commit(outcomes: BatchOutcome[]): Promise<boolean> {
    const at = this.clock.date()
    const sent = outcomes.flatMap((o) => o.sentIds)
    // One statement per error (most often one: the backend's answer to a whole batch).
    const failed = groupBy(outcomes.flatMap((o) => o.failed), (f) => f.error)
    return this.sql.transaction(async (run) => {
      for (const ids of chunked(sent, IDS_PER_STATEMENT)) await this.sql.mark(ids, 'S', at, null, run)
      for (const [error, group] of failed) for (const ids of chunked(group, IDS_PER_STATEMENT)) await this.sql.mark(ids.map((f) => f.id), 'E', at, error, run)
      return this.sql.heartbeat(this.jobId, this.runner, at, run)
    })
  }
}
