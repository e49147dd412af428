/**
 * A tutorial read as a test: its code blocks become steps. Markers in HTML comments (invisible
 * in the rendered page) say what a block is:
 * - `<!-- file: PATH -->` before a block: write the block to PATH;
 * - `<!-- append: PATH -->`: add it to the end of PATH;
 * - `<!-- skip -->`: not a step.
 * A `sh` block is commands: each `$ command` line with the lines after it as what it prints
 * (`...` alone is any lines, `...` in a line any text, a 14-digit time any time), or, with
 * no `$` in the block, one command per line and nothing checked but its exit code.
 */
export type DocStep =
  | { kind: 'write'; path: string; content: string; append: boolean; line: number }
  | { kind: 'run'; command: string; expected: string[] | undefined; line: number }

export function docSteps(markdown: string, until?: string): DocStep[] {
  const lines = markdown.split('\n')
  const steps: DocStep[] = []
  let marker: string | undefined
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (until && line.startsWith(until)) break
    const comment = /^<!-- (file|append|skip)(?:: (.+?))? -->$/.exec(line)
    if (comment) {
      marker = comment[2] ? `${comment[1]}:${comment[2]}` : comment[1]
      continue
    }
    const fence = /^```(\w*)$/.exec(line)
    if (!fence) continue
    const start = i + 1
    let end = start
    while (end < lines.length && lines[end] !== '```') end++
    const body = lines.slice(start, end)
    i = end
    const [kind, path] = marker?.split(/:(.*)/) ?? []
    marker = undefined
    if (kind === 'skip') continue
    if (kind === 'file' || kind === 'append') {
      steps.push({ kind: 'write', path: path!, content: `${body.join('\n')}\n`, append: kind === 'append', line: start })
    } else if (fence[1] === 'sh') {
      steps.push(...commands(body, start))
    }
  }
  return steps
}

function commands(body: string[], first: number): DocStep[] {
  if (!body.some((l) => l.startsWith('$ '))) {
    return body.flatMap((command, n) => (command.trim() && !command.startsWith('#') ? [{ kind: 'run' as const, command, expected: undefined, line: first + n + 1 }] : []))
  }
  const steps: DocStep[] = []
  body.forEach((l, n) => {
    if (l.startsWith('$ ')) steps.push({ kind: 'run', command: l.slice(2), expected: [], line: first + n + 1 })
    else (steps.at(-1) as { expected: string[] } | undefined)?.expected.push(l)
  })
  return steps
}

/** True when `actual` (the lines a command printed) reads as `expected` does, wildcards and all. */
export function printedAsDocumented(expected: string[], actual: string[]): boolean {
  const pattern = (line: string) =>
    new RegExp(`^${line.split('...').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\d{14}/g, '\\d{14}')).join('.*')}$`)
  const match = (e: number, a: number): boolean => {
    if (e === expected.length) return a === actual.length
    if (expected[e] === '...') {
      for (let k = a; k <= actual.length; k++) if (match(e + 1, k)) return true
      return false
    }
    return a < actual.length && pattern(expected[e]!).test(actual[a]!) && match(e + 1, a + 1)
  }
  return match(0, 0)
}
