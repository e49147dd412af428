/**
 * A LIKE pattern for `text`, lower-cased (unless `lower` is false), with its own `%`, `_`
 * and `\` escaped (use it with `like ? escape '\'`): `prefix` matches texts starting with
 * it, `contains` anywhere.
 */
export function likePattern(text: string, match: 'prefix' | 'contains', lower = true): string {
  const escaped = (lower ? text.toLowerCase() : text).replace(/[\\%_]/g, (ch) => `\\${ch}`)
  return match === 'prefix' ? `${escaped}%` : `%${escaped}%`
}

/**
 * SQL that compares `expression` byte by byte: on PostgreSQL with `collate "C"`, so a LIKE
 * prefix and an ORDER BY use the same index (one built `collate "C"`) whatever the
 * database's collation; SQLite compares bytes already.
 */
export function byteOrder(dialect: 'postgresql' | 'sqlite', expression: string): string {
  return dialect === 'postgresql' ? `${expression} collate "C"` : expression
}
