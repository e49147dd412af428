import { BlockList, isIP } from 'node:net'
import { timingSafeEqual } from 'node:crypto'
import { ConfigError } from '../core/errors.js'
import { basicAuth } from '../backends/http/client.js'
import { decodeForm } from '../backends/http/form.js'

/** Header and query parameter that carry a backend's shared secret. */
export const SECRET_HEADER = 'x-rapidsms-secret'
export const SECRET_PARAM = 'secret'

/** What a guard looks at: the peer address, the headers and the raw query string. */
export interface GuardRequest {
  ip: string | undefined
  header(name: string): string | undefined
  query: string
}

export type Refusal = { status: 401 | 403; reason: string; challenge?: string }

/** Decides whether a gateway's request may reach a backend; undefined means yes. */
export interface Guard {
  /** Does it check anything at all? */
  readonly active: boolean
  check(request: GuardRequest): Refusal | undefined
}

/**
 * The inbound protection of a backend, from its settings:
 * - `allowed_ips`: addresses or CIDR ranges (a list, or one string separated by commas or
 *   spaces) the gateway may call from; others get 403;
 * - `shared_secret`: the request must carry it in the `X-RapidSMS-Secret` header or the
 *   `secret` query parameter (Kannel's get-url can only do the latter); else 401;
 * - `inbound_username` and `inbound_password`: HTTP basic auth (Vumi's relay can send it); else 401.
 */
export function backendGuard(name: string, config: Record<string, unknown>): Guard {
  const allowed = allowList(name, config.allowed_ips)
  const secret = optionalString(name, config, 'shared_secret')
  const user = optionalString(name, config, 'inbound_username')
  const password = optionalString(name, config, 'inbound_password')
  if ((user === undefined) !== (password === undefined)) {
    throw new ConfigError(`backends.${name}.${user === undefined ? 'inbound_username' : 'inbound_password'}`, 'inbound_username and inbound_password go together')
  }
  const basic = user !== undefined ? basicAuth(user, password!) : undefined
  return {
    active: Boolean(allowed || secret || basic),
    check(request) {
      if (allowed && !(request.ip && allowed(request.ip))) return { status: 403, reason: `address ${request.ip ?? 'unknown'} is not in allowed_ips` }
      if (secret !== undefined) {
        const given = request.header(SECRET_HEADER) ?? decodeForm(request.query).get(SECRET_PARAM)
        if (given === undefined) return { status: 401, reason: 'no shared secret' }
        if (!same(given, secret)) return { status: 401, reason: 'wrong shared secret' }
      }
      if (basic !== undefined) {
        const given = request.header('authorization')
        if (!given || !same(given, basic)) return { status: 401, reason: given ? 'wrong credentials' : 'no credentials', challenge: 'Basic realm="rapidsms"' }
      }
      return undefined
    },
  }
}

/** A guard that lets a request through when any of `guards` does (or when none is active). */
export function anyGuard(guards: Guard[]): Guard {
  const active = guards.filter((g) => g.active)
  if (!active.length) return { active: false, check: () => undefined }
  return {
    active: true,
    check(request) {
      let refusal: Refusal | undefined
      for (const guard of active) {
        const result = guard.check(request)
        if (!result) return undefined
        refusal ??= result
      }
      return refusal
    },
  }
}

function optionalString(name: string, config: Record<string, unknown>, key: string): string | undefined {
  const value = config[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string' || !value) throw new ConfigError(`backends.${name}.${key}`, 'expected a non-empty string')
  return value
}

/** Matches an address against allowed_ips; IPv4-mapped IPv6 addresses count as IPv4. */
function allowList(name: string, value: unknown): ((ip: string) => boolean) | undefined {
  if (value === undefined || value === null) return undefined
  const entries = typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : value
  if (!Array.isArray(entries) || !entries.length || entries.some((e) => typeof e !== 'string')) {
    throw new ConfigError(`backends.${name}.allowed_ips`, 'expected addresses or CIDR ranges, e.g. ["127.0.0.1", "10.0.0.0/8"]')
  }
  const list = new BlockList()
  for (const entry of entries as string[]) {
    const [address, bits, extra] = entry.split('/')
    const family = isIP(address ?? '')
    const prefix = Number(bits)
    if (!family || extra !== undefined || (bits !== undefined && (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)))) {
      throw new ConfigError(`backends.${name}.allowed_ips`, `"${entry}" is not an address or CIDR range`)
    }
    const type = family === 4 ? 'ipv4' : 'ipv6'
    if (bits === undefined) list.addAddress(address!, type)
    else list.addSubnet(address!, prefix, type)
  }
  return (ip) => {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1]
    const address = mapped ?? ip
    const family = isIP(address)
    return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6')
  }
}

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
