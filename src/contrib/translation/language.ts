import type { ConnectionLike, ContactLike, MessageBase } from '../../core/messages/index.js'
import { translate } from './catalog.js'

/** Whose language to use: a language code, a message (its first connection's contact), a connection or a contact. */
export type LanguageTarget = string | null | undefined | MessageBase | ConnectionLike | ContactLike

/** The language code of a message's contact, a connection's contact or a contact ('' when none). */
export function languageOf(target: LanguageTarget): string {
  if (target === null || target === undefined) return ''
  if (typeof target === 'string') return target
  if ('connections' in target) return target.connections[0]?.contact?.language ?? ''
  if ('identity' in target) return target.contact?.language ?? ''
  return target.language ?? ''
}

/** The settings that decide which language replies are written in. */
export interface ReplyLanguageSettings {
  languageCode: string
  replyInContactLanguage: boolean
}

/**
 * The language the contrib apps answer `target` in: the project's `languageCode`, or the
 * contact's own language when `replyInContactLanguage` is on and the contact chose one.
 */
export function replyLanguage(settings: ReplyLanguageSettings, target: LanguageTarget): string {
  return (settings.replyInContactLanguage && languageOf(target)) || settings.languageCode
}

/** `_` of one language: `_(msgid, values?)`. */
export type Translator = (msgid: string, values?: Record<string, unknown>) => string

/**
 * A translator bound to the language of a contact (through a message or a connection) or to
 * a language code: RapidSMS's `with translation.override(contact.language): _(...)`.
 * @example
 * const _ = translator(msg)
 * msg.respond(_('hello'))
 */
export function translator(target: LanguageTarget): Translator {
  const language = languageOf(target)
  return (msgid, values) => translate(language, msgid, values)
}

/**
 * Connections grouped by their contact's language, in the order each language first appears
 * (RapidSMS's `group_connections`). A connection with no contact counts as language ''.
 * @example
 * for (const [language, connections] of groupConnections(all)) await send(translate(language, 'hello'), connections)
 */
export function groupConnections<C extends ConnectionLike>(connections: Iterable<C>): [string, C[]][] {
  const groups = new Map<string, C[]>()
  for (const connection of connections) {
    const language = connection.contact?.language ?? ''
    const group = groups.get(language)
    if (group) group.push(connection)
    else groups.set(language, [connection])
  }
  return [...groups]
}
