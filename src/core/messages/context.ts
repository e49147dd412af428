import type { BackendContext } from './types.js'

/** The message a reply answers, as far as its backend context goes. */
export interface Answered {
  /** Its id, given as `in_response_to` (the blocking router; the DatabaseRouter gives none). */
  id?: string
  /** Its fields: `external_id` is passed on whenever they have that key, even empty or null. */
  fields: Readonly<Record<string, unknown>>
}

/**
 * What a backend gets beside a message's id, text and identities: `{}` for a message that
 * answers nothing; for a reply, `in_response_to` (the answered message's id, when given) and
 * `external_id` whenever the answered message's fields have that key (behaviour 8: RapidSMS
 * tests `'external_id' in fields`). Both routers build it here.
 */
export function backendContext(answered: Answered | null | undefined): BackendContext {
  const context: BackendContext = {}
  if (!answered) return context
  if (answered.id !== undefined) context.in_response_to = answered.id
  if (Object.hasOwn(answered.fields, 'external_id')) context.external_id = answered.fields.external_id
  return context
}
