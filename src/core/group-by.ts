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
