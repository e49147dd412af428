/**
 * Items by key, keys in the order they first appear and each group's items in their order
 * (messages by backend: behaviour 24's one send per backend, with its identities).
 * @example groupBy(msg.connections, (c) => c.backend.name)
 */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>()
  for (const item of items) {
    const key = keyOf(item)
    const group = groups.get(key)
    if (group) group.push(item)
    else groups.set(key, [item])
  }
  return groups
}

/**
 * The items in runs of at most `size`, in order (recipients per backend call, ids per
 * statement); one run, the array itself, when they fit.
 * @example chunked([1, 2, 3, 4, 5], 2) // [[1, 2], [3, 4], [5]]
 */
export function chunked<T>(items: T[], size: number): T[][] {
  if (items.length <= size) return items.length ? [items] : []
  const runs: T[][] = []
  for (let start = 0; start < items.length; start += size) runs.push(items.slice(start, start + size))
  return runs
}
