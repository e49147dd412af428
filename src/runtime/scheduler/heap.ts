/** A binary min-heap by `at`, then by `seq` (the order they were pushed). */
export class TimeHeap<T extends { at: number; seq: number }> {
  #items: T[] = []

  get size(): number {
    return this.#items.length
  }

  peek(): T | undefined {
    return this.#items[0]
  }

  push(item: T): void {
    const items = this.#items
    items.push(item)
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(items[i]!, items[parent]!)) break
      ;[items[i], items[parent]] = [items[parent]!, items[i]!]
      i = parent
    }
  }

  pop(): T | undefined {
    const items = this.#items
    const top = items[0]
    const last = items.pop()
    if (items.length && last) {
      items[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let least = i
        if (l < items.length && before(items[l]!, items[least]!)) least = l
        if (r < items.length && before(items[r]!, items[least]!)) least = r
        if (least === i) break
        ;[items[i], items[least]] = [items[least]!, items[i]!]
        i = least
      }
    }
    return top
  }

  /** Keep only the items `keep` accepts (rebuilds the heap). */
  filter(keep: (item: T) => boolean): void {
    const kept = this.#items.filter(keep)
    this.#items = []
    for (const item of kept) this.push(item)
  }

  items(): readonly T[] {
    return this.#items
  }
}

function before(a: { at: number; seq: number }, b: { at: number; seq: number }): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}
