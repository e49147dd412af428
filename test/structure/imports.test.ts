import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const FOLDERS = ['src', 'actors', 'machines']

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return /\.tsx?$/.test(name) ? [path] : []
  })
}

/** Relative imports and re-exports of a file (type-only ones too: a cycle of types is still a cycle of files). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const found: string[] = []
  for (const match of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
    const target = resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts'))
    found.push(statSafe(target) ? target : target.replace(/\.ts$/, '.tsx'))
  }
  return found
}

function statSafe(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/**
 * The import cycles of a graph: each strongly connected component of more than one file (or
 * a file importing itself), files sorted, paths relative to the project (Tarjan's algorithm).
 */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const connect = (file: string) => {
    index.set(file, counter)
    low.set(file, counter++)
    stack.push(file)
    onStack.add(file)
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue
      if (!index.has(next)) {
        connect(next)
        low.set(file, Math.min(low.get(file)!, low.get(next)!))
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!))
    }
    if (low.get(file) !== index.get(file)) return
    const component: string[] = []
    for (let top = stack.pop()!; ; top = stack.pop()!) {
      onStack.delete(top)
      component.push(top)
      if (top === file) break
    }
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) found.push(component.map((f) => relative(root, f)).sort())
  }
  for (const file of graph.keys()) if (!index.has(file)) connect(file)
  return found
}

describe('the structure of the code', () => {
  const files = FOLDERS.flatMap((folder) => sources(join(root, folder)))
  const graph = new Map(files.map((file) => [file, importsOf(file)]))

  it('has no file-level import cycle in src/, actors/ and machines/', () => {
    expect(cycles(graph).map((cycle) => cycle.join(' <-> '))).toEqual([])
  })

  it('finds the cycles it looks for (a check of the check)', () => {
    const a = join(root, 'a.ts')
    const b = join(root, 'b.ts')
    const c = join(root, 'c.ts')
    expect(cycles(new Map([[a, [b]], [b, [c]], [c, [a]]]))).toEqual([['a.ts', 'b.ts', 'c.ts']])
    expect(cycles(new Map([[a, [b, c]], [b, [c]], [c, []]]))).toEqual([])
    expect(cycles(new Map([[a, [a]], [b, []], [c, []]]))).toEqual([['a.ts']])
  })

  it('keeps machines/ pure: they import nothing but xstate and each other', () => {
    const impure = files
      .filter((file) => relative(root, file).startsWith('machines/'))
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/from\s+['"]([^'"]+)['"]/g)].map((m) => [relative(root, file), m[1]!] as const))
      .filter(([, spec]) => !(spec === 'xstate' || spec.startsWith('xstate/') || spec.startsWith('./') || spec.startsWith('../src/core/')))
    expect(impure).toEqual([])
  })

  it('keeps the host a supervisor: src/runtime/host.ts stays under 250 lines', () => {
    expect(readFileSync(join(root, 'src/runtime/host.ts'), 'utf8').split('\n').length).toBeLessThan(250)
  })
})
