/**
 * A LIKE pattern for `text`, lower-cased, with its own `%`, `_` and `\` escaped (use it with
 * `like ? escape '\'`): `prefix` matches texts starting with it, `contains` anywhere.
 */
export function likePattern(text: string, match: 'prefix' | 'contains'): string {
  const escaped = text.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)
  return match === 'prefix' ? `${escaped}%` : `%${escaped}%`
}
