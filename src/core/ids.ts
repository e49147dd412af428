import { randomFillSync } from 'node:crypto'

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
const POOL_IDS = 256
const pool = new Uint8Array(16 * POOL_IDS)
let next = POOL_IDS

/**
 * A fresh message id: a random UUID4 as 32 lowercase hex characters, as RapidSMS makes them.
 * Random bytes are drawn from the CSPRNG 4 KB at a time: ids are made for every message.
 */
export function generateId(): string {
  if (next === POOL_IDS) {
    randomFillSync(pool)
    next = 0
  }
  const o = 16 * next++
  const b = pool
  // Version 4 (0100xxxx in byte 6) and the RFC 4122 variant (10xxxxxx in byte 8).
  return (
    HEX[b[o]!]! + HEX[b[o + 1]!]! + HEX[b[o + 2]!]! + HEX[b[o + 3]!]! + HEX[b[o + 4]!]! + HEX[b[o + 5]!]! +
    HEX[(b[o + 6]! & 0x0f) | 0x40]! + HEX[b[o + 7]!]! + HEX[(b[o + 8]! & 0x3f) | 0x80]! + HEX[b[o + 9]!]! +
    HEX[b[o + 10]!]! + HEX[b[o + 11]!]! + HEX[b[o + 12]!]! + HEX[b[o + 13]!]! + HEX[b[o + 14]!]! + HEX[b[o + 15]!]!
  )
}
