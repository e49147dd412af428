import { describe, expect, it } from 'vitest'
import { parseDuration } from '../../src/core/duration.js'
import { ValidationError } from '../../src/core/errors.js'

describe('parseDuration', () => {
  it.each([
    ['24h', 86_400_000],
    ['90m', 5_400_000],
    ['3d', 259_200_000],
    ['1h 30m', 5_400_000],
    ['1.5s', 1500],
    ['250ms', 250],
    ['  2w ', 1_209_600_000],
    [1234, 1234],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each(['', '24', 'h', '1 h', '-1h', '1y', '1h30m', 'soon'])('refuses %j with a ValidationError naming the value', (text) => {
    expect(() => parseDuration(text, 'expireAfter')).toThrow(ValidationError)
    expect(() => parseDuration(text, 'expireAfter')).toThrow(/^expireAfter: /)
  })

  it('refuses negative and infinite numbers', () => {
    expect(() => parseDuration(-1)).toThrow(ValidationError)
    expect(() => parseDuration(Number.POSITIVE_INFINITY)).toThrow(ValidationError)
  })
})
