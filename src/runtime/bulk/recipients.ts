import { BulkInputError, type BulkRecipientInput } from '../../core/bulk.js'
import { IDENTITY_MAX } from '../../core/config.js'
import { storable } from '../../core/text.js'

/** A recipient as stored: a configured backend's name and an identity. */
export interface CheckedRecipient {
  backend: string
  identity: string
}

/**
 * A recipient checked: its backend is one the project has, its identity is not empty, fits
 * its column and has only characters every database stores. A BulkInputError names it by its
 * line (when given) or its position, 1 first.
 */
export function checkRecipient(recipient: BulkRecipientInput, position: number, backends: ReadonlySet<string>): CheckedRecipient {
  const where = recipient?.line !== undefined ? `line ${recipient.line}` : `recipient ${position}`
  const fail = (reason: string): never => {
    throw new BulkInputError(where, reason)
  }
  if (typeof recipient !== 'object' || recipient === null) fail('expected a connection, or { backend, identity }')
  const backend = typeof recipient.backend === 'string' ? recipient.backend : recipient.backend?.name
  if (typeof backend !== 'string' || !backend) fail('the backend is missing')
  if (!backends.has(backend!)) fail(`there is no backend named "${backend}" (the project has: ${[...backends].join(', ') || 'none'})`)
  const { identity } = recipient
  if (typeof identity !== 'string' || !identity) fail('the identity is empty')
  if (identity.length > IDENTITY_MAX) fail(`the identity has more than ${IDENTITY_MAX} characters`)
  if (storable(identity) !== identity) fail('the identity has a character no database stores (a NUL or a lone surrogate)')
  return { backend: backend!, identity }
}

/** The recipients, in chunks of up to `size`, as the iterable (or async iterable) gives them. */
export async function* chunks<T>(items: Iterable<T> | AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let chunk: T[] = []
  for await (const item of items as AsyncIterable<T>) {
    chunk.push(item)
    if (chunk.length >= size) {
      yield chunk
      chunk = []
    }
  }
  if (chunk.length) yield chunk
}
