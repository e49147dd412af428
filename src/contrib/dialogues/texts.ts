import { translate } from '../translation/index.js'

/**
 * A text a dialogue sends, before translation: a msgid (the English text, Python-formatted
 * with `%(name)s`) and its values. A value may itself be a Text (`{ text: 'female' }`), which
 * is translated first: a summary line or a reminder quoting the question stays translatable.
 */
export interface Text {
  text: string
  values?: Record<string, unknown>
}

/** A value is a Text when it has a string `text` and nothing but `values` besides. */
function isText(value: unknown): value is Text {
  return typeof value === 'object' && value !== null && typeof (value as Text).text === 'string' && Object.keys(value).every((k) => k === 'text' || k === 'values')
}

/**
 * The text as sent to someone whose language is `language` (a code; '' for the project's).
 * @example render({ text: 'Thanks, %(name)s.', values: { name: 'Ann' } }, 'en') // 'Thanks, Ann.'
 */
export function render(text: Text, language: string): string {
  if (!text.values) return translate(language, text.text)
  const values: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(text.values)) values[key] = isText(value) ? render(value, language) : value
  return translate(language, text.text, values)
}
