import { describe, expect, it } from 'vitest'
import { generateId } from '../../src/core/ids.js'

describe('generateId', () => {
  it('makes UUID4s as 32 lowercase hex characters, all different', () => {
    const ids = Array.from({ length: 2000 }, () => generateId())
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
