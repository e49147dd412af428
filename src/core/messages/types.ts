/** The parts of a Contact a message needs (the Contact entity satisfies it). */
export interface ContactLike {
  id?: number
  name: string
  language: string
}

/**
 * The parts of a Connection a message needs: the backend it talks through, the identity on
 * that backend (a phone number...) and the contact, if one is linked.
 * The Connection entity satisfies it.
 */
export interface ConnectionLike {
  id?: number
  identity: string
  backend: { name: string }
  contact?: ContactLike | null
}

/** Arbitrary metadata carried with a message (e.g. `external_id` from a gateway). */
export type MessageFields = Record<string, unknown>

/** What a backend receives besides id, text and identities. */
export type BackendContext = Record<string, unknown>
