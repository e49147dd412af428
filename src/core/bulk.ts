import { RapidSMSError, ValidationError } from './errors.js'

/**
 * Where a bulk job is: its recipients being stored (`loading`), being sent (`sending`; a
 * host that stopped or died leaves it so, and the next host goes on with it), stopped on
 * request (`paused`: a call with its idempotency key goes on), or every recipient sent or
 * failed (`done`).
 */
export type BulkJobStatus = 'loading' | 'sending' | 'paused' | 'done'

/** One recipient of a bulk send: a connection, or a backend name and an identity. */
export interface BulkRecipientInput {
  backend: string | { name: string }
  identity: string
  /** Where it came from (a file's line), for the error that names it; else its position. */
  line?: number
}

/** The recipients of a bulk send: any iterable, or async iterable (a stream read as it goes). */
export type BulkRecipients = Iterable<BulkRecipientInput> | AsyncIterable<BulkRecipientInput>

/** How far a bulk job got; `onProgress` is told after each stored chunk and each sent batch. */
export interface BulkProgress {
  jobId: number
  phase: 'loading' | 'sending'
  /** Recipients stored so far (loading) or in all (sending). */
  total: number
  /** Recipients their backend accepted (delivered ones included). */
  sent: number
  failed: number
}

export interface BulkOptions {
  /**
   * A second call with the same key sends nothing again: it reports the job the first call
   * stored, or goes on with it where it stopped (paused, or left by a host that stopped or
   * died). The text must be the same.
   */
  idempotencyKey?: string
  /** Pauses the job once aborted: batches in flight finish, the rest stays queued. */
  signal?: AbortSignal
  onProgress?: (progress: BulkProgress) => void
  /** Batches in flight at once per backend (default 4). */
  window?: number
}

/** What became of a bulk job (so far). */
export interface BulkResult {
  jobId: number
  idempotencyKey: string | null
  /** The id every backend was given for the job's message: delivery reports come back with it. */
  messageId: string
  status: BulkJobStatus
  /** Recipients stored (duplicates once). */
  total: number
  /** Accepted by their backend (delivered ones included). */
  sent: number
  /** Of those, reported delivered by their gateway. */
  delivered: number
  failed: number
  /** Not sent yet (queued, or in flight when their runner stopped). */
  queued: number
  /** Recipients this call handed to their backends (0 for a key whose job was done). */
  handed: number
  /** An earlier call with the same idempotency key had stored the job. */
  repeated: boolean
}

/** A recipient of a bulk send is not acceptable (no such backend, an empty identity...); nothing was stored. */
export class BulkInputError extends ValidationError {
  override name = 'BulkInputError'
}

/** The idempotency key is taken by a job with another text. */
export class IdempotencyConflictError extends RapidSMSError {
  override name = 'IdempotencyConflictError'
  constructor(readonly key: string) {
    super(`the idempotency key "${key}" was used for a message with another text; use a new key for a new message`)
  }
}

/** How long a runner's heartbeat stays good: a job whose runner was not heard of for longer is taken over. */
export const LEASE_MS = 30_000

/** The job is being sent by another runner (another process, or another host of this one). */
export class BulkJobBusyError extends RapidSMSError {
  override name = 'BulkJobBusyError'
  constructor(
    readonly jobId: number,
    readonly runner: string,
    readonly lastSeen: Date | null,
  ) {
    super(`bulk job ${jobId} is being sent by ${runner}${lastSeen ? ` (last heard of at ${lastSeen.toISOString()})` : ''}; it is taken over once that runner stops or is silent for ${LEASE_MS / 1000} s`)
  }
}
