/**
 * Conversation scripts (docs 15.2.3, behaviour 73), read the way RapidSMS's TestScript reads
 * them:
 *
 *   # registration
 *   1112223333 > register Ann
 *   1112223333 < Thank you for registering, Ann!
 *   1112223333 > "  ping"
 *
 * `IDENTITY > text` sends, `IDENTITY < text` expects a reply to IDENTITY with exactly that
 * text. Lines are split at their first `<` or `>`; identity and text are trimmed (an
 * identity may carry a date, `1112223333@200804150730`, which is dropped). Blank lines and
 * `#` lines are ignored; a `#` line only names the steps after it in failure reports. A text
 * in double quotes is read as a JSON string (for significant spaces); a reply also matches
 * its quoted form literally.
 *
 * A whole source is one conversation. Replies are checked as RapidSMS checks them: each `<`
 * takes the first reply not yet checked that matches it, whichever message it answered and
 * in whatever order they came; replies no line checks are ignored. In strict mode every
 * reply must be checked, right after the message it answers and in the order it came, so a
 * `>` with no `<` after it expects no reply.
 *
 * A line `... 24h` (any duration: `... 90m`, `... 3d`, `... 1h 30m`) moves the clock on:
 * timers falling due on the way fire (a dialogue's reminders), and the `<` lines after it
 * check what they sent. It needs a harness with a FakeClock.
 *
 * A line `! COMMAND` asks the harness to do something a person cannot: `! restart` stops the
 * host and starts a new one on the same database and clock; `! startDialogue NAME IDENTITY...`
 * starts a dialogue from our side. The `<` lines after it check what it sent.
 */

import { parseDuration } from '../core/duration.js'

export interface ScriptLine {
  line: number
  /** Empty for a `...` line. */
  identity: string
  /** `>` sends, `<` expects a reply, `...` moves time on by `ms`, `!` runs a harness command. */
  direction: '>' | '<' | '...' | '!'
  /** The text (for `...`, the duration as written). */
  text: string
  /** How far a `...` line moves the clock. */
  ms?: number
  /** The text as written, when it differs from `text` (a quoted text read as JSON). */
  literal?: string
  /** The last `#` comment before this line, if any. */
  section?: string
}

export interface Script {
  title: string
  steps: ScriptLine[]
}

/** Process a message to completion; the replies it produced, in order. */
type Send = (identity: string, text: string) => Promise<Reply[]>
/** Move the clock on by `ms`, firing what falls due; the replies sent meanwhile, in order. */
export type Advance = (ms: number) => Promise<Reply[]>
/** Run a `!` line's command (its words); the replies sent meanwhile, in order. */
export type Command = (words: string[], line: number) => Promise<Reply[]>

/** What runs the lines that are not messages: `...` (time) and `!` (harness commands). */
export interface ScriptHarness {
  advance?: Advance
  command?: Command
}

/** One reply as the backend got it. */
export interface Reply {
  identity: string
  text: string
}

export interface ScriptFailure {
  line: number
  section?: string
  message: string
  expected?: string
  got?: string
}

export interface ScriptOptions {
  /** Every reply must be checked, in order, right after the message it answers. */
  strict?: boolean
}

export class ScriptSyntaxError extends Error {
  override name = 'ScriptSyntaxError'
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`)
  }
}

/** Parse a file (or a string) into one conversation. */
export function parseScript(source: string, title = 'script'): Script {
  const steps: ScriptLine[] = []
  let section: string | undefined
  let sent = false
  source.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1
    const trimmed = raw.trim()
    if (!trimmed) return
    if (trimmed.startsWith('#')) {
      section = trimmed.replace(/^#+\s*/, '') || undefined
      return
    }
    if (trimmed.startsWith('...')) {
      const text = trimmed.slice(3).trim()
      let ms: number
      try {
        ms = parseDuration(text)
      } catch {
        throw new ScriptSyntaxError(line, `expected "... DURATION" (e.g. "... 24h", "... 90m", "... 1h 30m"), got: ${trimmed}`)
      }
      steps.push({ line, identity: '', direction: '...', text, ms, ...(section !== undefined && { section }) })
      sent = true
      return
    }
    if (trimmed.startsWith('!')) {
      const text = trimmed.slice(1).trim()
      if (!text) throw new ScriptSyntaxError(line, 'expected a command after "!" (e.g. "! restart")')
      steps.push({ line, identity: '', direction: '!', text, ...(section !== undefined && { section }) })
      sent = true
      return
    }
    const at = trimmed.search(/[<>]/)
    const identity = at < 0 ? '' : trimmed.slice(0, at).trim().split('@')[0]!.trim()
    if (!identity) throw new ScriptSyntaxError(line, `expected "IDENTITY > text" or "IDENTITY < text", got: ${trimmed}`)
    const direction = trimmed[at] as '>' | '<'
    if (direction === '<' && !sent) throw new ScriptSyntaxError(line, 'a reply (<) must follow a message sent with >')
    sent ||= direction === '>'
    const literal = trimmed.slice(at + 1).trim()
    const text = fromJson(literal)
    steps.push({ line, identity, direction, text, ...(text !== literal && { literal }), ...(section !== undefined && { section }) })
  })
  return { title, steps }
}

/** A text in double quotes that is a valid JSON string is that string; anything else is itself. */
function fromJson(text: string): string {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return text
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'string' ? value : text
  } catch {
    return text
  }
}

/**
 * Run a script: `send(identity, text)` must process the message to completion and return
 * the replies it produced, in order; `advance(ms)` runs the `...` lines. Returns every
 * mismatch (none = passed).
 */
export async function runSteps(script: Script, send: Send, options: ScriptOptions = {}, harness: ScriptHarness = {}): Promise<ScriptFailure[]> {
  const timed = script.steps.find((s) => s.direction === '...')
  if (timed && !harness.advance) throw new ScriptSyntaxError(timed.line, `"... ${timed.text}" moves the clock, so the harness needs a FakeClock (useRapidTest({ clock: new FakeClock() }))`)
  const commanded = script.steps.find((s) => s.direction === '!')
  if (commanded && !harness.command) throw new ScriptSyntaxError(commanded.line, `"! ${commanded.text}" needs a harness that runs commands (RapidTest's runScript, rapidsms script)`)
  const act = (step: ScriptLine) =>
    step.direction === '...' ? harness.advance!(step.ms!) : step.direction === '!' ? harness.command!(step.text.split(/\s+/), step.line) : send(step.identity, step.text)
  return options.strict ? runStrict(script.steps, act) : runLoose(script.steps, act)
}

/** What a `>` or `...` line is, in failure messages. */
function acted(step: ScriptLine): string {
  return step.direction === '...' ? `"... ${step.text}"` : step.direction === '!' ? `"! ${step.text}"` : `${step.identity} > ${quote(step.text)}`
}

const matches = (want: ScriptLine, got: Reply) => want.identity === got.identity && (want.text === got.text || want.literal === got.text)

/** RapidSMS's checking: each `<` takes the first unchecked reply that matches it. */
async function runLoose(steps: ScriptLine[], act: (step: ScriptLine) => Promise<Reply[]>): Promise<ScriptFailure[]> {
  const failures: ScriptFailure[] = []
  const unchecked: Reply[] = []
  let last: ScriptLine | undefined
  for (const step of steps) {
    if (step.direction !== '<') {
      unchecked.push(...(await act(step)))
      last = step
      continue
    }
    const index = unchecked.findIndex((reply) => matches(step, reply))
    if (index >= 0) {
      unchecked.splice(index, 1)
      continue
    }
    failures.push({
      line: step.line,
      section: step.section,
      message: unchecked.length ? 'no such reply among those not checked yet' : `no reply to ${acted(last!)}`,
      expected: show(step),
      got: unchecked.length ? unchecked.map(show).join('\n              ') : undefined,
    })
  }
  return failures
}

/** Every reply checked, in order, right after the message it answers. */
async function runStrict(steps: ScriptLine[], act: (step: ScriptLine) => Promise<Reply[]>): Promise<ScriptFailure[]> {
  const failures: ScriptFailure[] = []
  for (let i = 0; i < steps.length; ) {
    const sent = steps[i]!
    i++
    const expected: ScriptLine[] = []
    while (i < steps.length && steps[i]!.direction === '<') expected.push(steps[i++]!)
    const replies = await act(sent)
    const count = Math.max(expected.length, replies.length)
    for (let k = 0; k < count; k++) {
      const want = expected[k]
      const got = replies[k]
      if (want && got && matches(want, got)) continue
      failures.push({
        line: want?.line ?? sent.line,
        section: (want ?? sent).section,
        message: !got ? `no reply to ${acted(sent)}` : !want ? `unexpected reply to ${acted(sent)}` : 'wrong reply',
        expected: want ? show(want) : undefined,
        got: got ? show(got) : undefined,
      })
    }
  }
  return failures
}

function show(reply: Reply): string {
  return `${reply.identity} < ${quote(reply.text)}`
}

/** A text as a script line would hold it: JSON-quoted when spaces or quotes would be lost. */
function quote(text: string): string {
  const plain = text === text.trim() && !text.startsWith('"') && text !== ''
  return plain ? text : JSON.stringify(text)
}

/** A failure as the user reads it: where, what was expected, what came. */
export function formatFailure(failure: ScriptFailure): string {
  const lines = [`  line ${failure.line}${failure.section ? ` (${failure.section})` : ''}: ${failure.message}`]
  lines.push(`    expected: ${failure.expected ?? '(no reply)'}`)
  lines.push(`    got:      ${failure.got ?? '(no reply)'}`)
  return lines.join('\n')
}
