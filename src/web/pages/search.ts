/**
 * A LIKE pattern for `text`, lower-cased (unless `lower` is false), with its own `%`, `_`
 * and `\` escaped (use it with `like ? escape '\'`): `prefix` matches texts starting with
 * it, `contains` anywhere.
 */
export function likePattern(text: string, match: 'prefix' | 'contains', lower = true): string {
  const escaped = (lower ? text.toLowerCase() : text).replace(/[\\%_]/g, (ch) => `\\${ch}`)
  return match === 'prefix' ? `${escaped}%` : `%${escaped}%`
}
