/**
 * Conversation scripts (docs 15.2.3):
 *
 *   # registration
 *   1112223333 > register Ann
 *   1112223333 < Thank you for registering, Ann!
 *   1112223333 > "  ping"
 *
 * `IDENTITY > text` sends, `IDENTITY < text` expects exactly that reply to IDENTITY; the `<`
 * lines after a `>` are all the replies it must produce, so a `>` with none after it expects
 * no reply. A text in double quotes is a JSON string (for significant spaces); otherwise
 * it is trimmed. `# title` starts a new script; blank lines are ignored.
 */

export interface ScriptLine {
  line: number
  identity: string
  direction: '>' | '<'
  text: string
}

export interface Script {
  title: string
  /** Line number of the title (or of the first step). */
  line: number
  steps: ScriptLine[]
}

/** One reply as the backend got it. */
export interface Reply {
  identity: string
  text: string
}

export interface ScriptFailure {
  line: number
  message: string
  expected?: string
  got?: string
}

const STEP = /^(\S+?)\s*([<>])\s?(.*)$/

export class ScriptSyntaxError extends Error {
  override name = 'ScriptSyntaxError'
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`)
  }
}

/** Parse a file (or a string) of scripts. Text before the first `# title` is a script too. */
export function parseScripts(source: string, defaultTitle = 'script'): Script[] {
  const scripts: Script[] = []
  let current: Script | undefined
  source.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1
    const trimmed = raw.trim()
    if (!trimmed) return
    if (trimmed.startsWith('#')) {
      current = { title: trimmed.replace(/^#+\s*/, '') || defaultTitle, line, steps: [] }
      scripts.push(current)
      return
    }
    const match = STEP.exec(trimmed)
    if (!match) throw new ScriptSyntaxError(line, `expected "IDENTITY > text" or "IDENTITY < text", got: ${trimmed}`)
    const [, identity, direction, rest] = match as unknown as [string, string, '>' | '<', string]
    if (!current) {
      current = { title: defaultTitle, line, steps: [] }
      scripts.push(current)
    }
    if (direction === '<' && !current.steps.some((s) => s.direction === '>')) {
      throw new ScriptSyntaxError(line, 'a reply (<) must follow a message sent with >')
    }
    current.steps.push({ line, identity, direction, text: parseText(rest, line) })
  })
  return scripts.filter((s) => s.steps.length > 0)
}

function parseText(rest: string, line: number): string {
  const text = rest.trim()
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) {
    try {
      const value: unknown = JSON.parse(text)
      if (typeof value === 'string') return value
    } catch {
      throw new ScriptSyntaxError(line, `${text} is not a valid JSON string`)
    }
  }
  return text
}

/**
 * Run a script's steps: `send(identity, text)` must process the message to completion and
 * return the replies it produced, in order. Returns every mismatch (none = passed).
 */
export async function runSteps(script: Script, send: (identity: string, text: string) => Promise<Reply[]>): Promise<ScriptFailure[]> {
  const failures: ScriptFailure[] = []
  const steps = script.steps
  for (let i = 0; i < steps.length; ) {
    const sent = steps[i]!
    i++
    const expected: ScriptLine[] = []
    while (i < steps.length && steps[i]!.direction === '<') expected.push(steps[i++]!)
    const replies = await send(sent.identity, sent.text)
    const count = Math.max(expected.length, replies.length)
    for (let k = 0; k < count; k++) {
      const want = expected[k]
      const got = replies[k]
      if (want && got && want.identity === got.identity && want.text === got.text) continue
      failures.push({
        line: want?.line ?? sent.line,
        message: !got
          ? `no reply to ${sent.identity} > ${sent.text}`
          : !want
            ? `unexpected reply to ${sent.identity} > ${sent.text}`
            : 'wrong reply',
        expected: want ? show(want) : undefined,
        got: got ? show(got) : undefined,
      })
    }
  }
  return failures
}

function show(reply: Reply): string {
  const plain = reply.text === reply.text.trim() && !reply.text.startsWith('"') && reply.text !== ''
  return `${reply.identity} < ${plain ? reply.text : JSON.stringify(reply.text)}`
}

/** A failure as the user reads it: where, what was expected, what came. */
export function formatFailure(failure: ScriptFailure): string {
  const lines = [`  line ${failure.line}: ${failure.message}`]
  lines.push(`    expected: ${failure.expected ?? '(no reply)'}`)
  lines.push(`    got:      ${failure.got ?? '(no reply)'}`)
  return lines.join('\n')
}
