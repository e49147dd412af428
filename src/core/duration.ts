import { ValidationError } from './errors.js'

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/**
 * A duration in milliseconds from a number (milliseconds) or a text of whole or decimal
 * amounts with units: `90m`, `24h`, `3d`, `1h 30m`, `1.5s`, `250ms`.
 * @example parseDuration('1h 30m') // 5_400_000
 */
export function parseDuration(value: string | number, what = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new ValidationError(what, `expected a duration of 0 ms or more, not ${value}`)
    return value
  }
  const parts = value.trim().split(/\s+/)
  let total = 0
  for (const part of parts) {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(part)
    if (!match) throw new ValidationError(what, `"${value}" is not a duration (e.g. "90m", "24h", "3d", "1h 30m")`)
    total += Number(match[1]) * UNITS[match[2]!]!
  }
  return Math.round(total)
}
