import { chunked, groupBy } from '../../../core/group-by.js'

/** A transmission as batching sees it. */
export interface QueuedTransmission {
  id: number
  backendId: number
}

/**
 * Divide transmissions by backend and into batches of at most `batchSize`, each ordered by
 * id (behaviour 69, RapidSMS's group_transmissions): 7 on one backend and 6 on another with
 * batches of 4 -> 4, 3, 4, 2. Backends come in the order of their ids.
 */
export function groupTransmissions(transmissions: readonly QueuedTransmission[], batchSize: number): [backendId: number, ids: number[]][] {
  const sorted = [...transmissions].sort((a, b) => a.backendId - b.backendId || a.id - b.id)
  const batches: [number, number[]][] = []
  for (const [backendId, group] of groupBy(sorted, (t) => t.backendId)) {
    for (const ids of chunked(group.map((t) => t.id), batchSize)) batches.push([backendId, ids])
  }
  return batches
}
