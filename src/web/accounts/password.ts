import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/** scrypt's cost: 2^15 iterations of 8-block mixing, one lane (about 32 MB and 50-100 ms a hash). */
const COST = { N: 32768, r: 8, p: 1 }
const KEY_LENGTH = 32

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem: 128 * options.N! * options.r! * 2 }, (error, key) => (error ? reject(error) : resolve(key))),
  )
}

/**
 * Hash a password with scrypt and a random salt, as stored in `auth_user.password`:
 * `scrypt$N$r$p$salt$hash` (salt and hash in base64). Runs on libuv's thread pool, so the
 * event loop keeps answering meanwhile.
 * @example const stored = await hashPassword('correct horse battery staple')
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, COST)
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$')
}

/** Does `password` match the stored hash? False for anything that is not a scrypt hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [algorithm, n, r, p, salt, hash] = stored.split('$')
  if (algorithm !== 'scrypt' || !salt || !hash) return false
  const options = { N: Number(n), r: Number(r), p: Number(p) }
  if (![options.N, options.r, options.p].every((v) => Number.isInteger(v) && v > 0)) return false
  const expected = Buffer.from(hash, 'base64')
  const key = await scrypt(password, Buffer.from(salt, 'base64'), options).catch(() => undefined)
  return key !== undefined && key.length === expected.length && timingSafeEqual(key, expected)
}

/** A hash no password matches, checked when the username is unknown so both take as long. */
let dummy: Promise<string> | undefined
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'))
  return dummy
}

/** Why a new password is refused, or undefined when it will do. */
export function passwordProblem(password: string, username = ''): string | undefined {
  if (password.length < 8) return 'This password is too short. It must contain at least 8 characters.'
  if (/^\d+$/.test(password)) return 'This password is entirely numeric.'
  if (username && password.toLowerCase() === username.toLowerCase()) return 'The password is too similar to the username.'
  return undefined
}
