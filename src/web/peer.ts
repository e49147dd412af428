import type { Context } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'

/** The client's address, when the server knows it (not in `app.request()` tests). */
export function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address
  } catch {
    return undefined
  }
}
