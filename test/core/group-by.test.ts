import { describe, expect, it } from 'vitest'
import { chunked, groupBy } from '../../src/core/group-by.js'

describe('groupBy', () => {
  it('keeps the keys in the order they first appear and each group in its order', () => {
    expect([...groupBy(['b1', 'a1', 'b2', 'a2', 'c1'], (s) => s[0])]).toEqual([
      ['b', ['b1', 'b2']],
      ['a', ['a1', 'a2']],
      ['c', ['c1']],
    ])
  })
})

describe('chunked', () => {
  it('splits into runs of at most the size, in order', () => {
    expect(chunked([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
    expect(chunked([1, 2, 3, 4], 2)).toEqual([[1, 2], [3, 4]])
  })

  it('gives the array itself when it fits (no copy on the path of a one-recipient reply), nothing for none', () => {
    const items = [1, 2, 3]
    expect(chunked(items, 3)[0]).toBe(items)
    expect(chunked(items, Infinity)).toEqual([items])
    expect(chunked([], 2)).toEqual([])
  })
})
