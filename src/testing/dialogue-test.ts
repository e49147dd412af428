import { defineConfig, type Settings, type UserSettings } from '../core/config.js'
import { DialogueApp } from '../contrib/dialogues/app.js'
import { sessionLimits } from '../contrib/dialogues/settings.js'
import type { Dialogue } from '../contrib/dialogues/define.js'
import { stateKey } from '../contrib/dialogues/engine.js'
import { DialogueSession } from '../contrib/dialogues/models.js'
import { chartOf, dialoguePaths, pathScript, replayPath, type Coverage, type DialoguePath, type PathStep, type PathTexts } from './dialogue-paths.js'
import { FakeClock } from './fake-clock.js'
import { RapidTest } from './rapid-test.js'
import type { Reply } from './script.js'

export interface DialogueTestOptions {
  /** The project's settings (its apps, dialogues, entities); default: DialogueApp running this dialogue alone. */
  settings?: UserSettings | Settings
  /** The text that starts the dialogue (default: the first word of a keyword trigger, in capitals). */
  trigger?: string
  /** Run on this harness (it must have a FakeClock) instead of a new one. */
  harness?: RapidTest
  /** The identity the paths are sent from. */
  identity?: string
  /** Throw when a path fails or a state is unreachable (default true). */
  throwOnFailure?: boolean
  /** Base database of a new harness (default: RAPIDSMS_TEST_DATABASE_URL, else SQLite). */
  databaseUrl?: string
}

export interface PathResult {
  /** The path as a conversation script, with what the chart says it sends. */
  script: string
  passed: boolean
  failures: string[]
}

export interface DialogueTestReport {
  dialogue: string
  paths: PathResult[]
  coverage: Coverage
  passed: boolean
  /** A few lines for a person: paths passed, coverage of states and transitions, what failed. */
  summary: string
}

/** The texts paths are made of, from the settings and the dialogue. */
export function pathTexts(dialogue: Dialogue, settings: Record<string, unknown>, trigger?: string): PathTexts {
  const keyword = typeof dialogue.trigger === 'string' ? dialogue.trigger.split('|')[0]! : ''
  const text = trigger ?? (/^[\p{L}\p{N}_-]+$/u.test(keyword) ? keyword.toUpperCase() : undefined)
  if (!text) throw new Error(`dialogue "${dialogue.name}": its trigger is not a plain keyword; pass the text that starts it ({ trigger: '...' })`)
  return { trigger: text, stopWord: ((settings.dialogueStopWords as string[] | undefined) ?? ['STOP'])[0]!, language: String(settings.languageCode ?? 'en') }
}

/**
 * The paths of a dialogue as conversation scripts (what `rapidsms dialogues paths` prints),
 * from a start at `now`.
 */
export function dialogueScripts(dialogue: Dialogue, settings: Record<string, unknown> = {}, options: { trigger?: string; identity?: string; now?: number } = {}): { scripts: string[]; coverage: Coverage } {
  const texts = pathTexts(dialogue, settings, options.trigger)
  const { paths, coverage } = dialoguePaths(dialogue, sessionLimits(dialogue, settings), texts, options.now ?? 0)
  const scripts = paths.map((path, i) => pathScript(`${dialogue.name}: path ${i + 1} of ${paths.length}`, path.steps, options.identity ?? '1112223333', texts))
  return { scripts, coverage }
}

/**
 * Test every path of a dialogue's chart on a real host: paths derived with xstate's graph
 * functions (the shortest to every state and through every transition, delayed ones
 * included), their replies made of the examples the asks declare, each run from an empty
 * database on a harness with a fake clock (`... 24h` moves it to the next timer). Each step
 * must send exactly the texts the chart's actions send, and the session must end where the
 * chart says, with its status. Reports the coverage of states and transitions; throws when a
 * path fails or a state is unreachable.
 * @example
 * it('every path of the survey', async () => {
 *   const report = await testDialogue(survey, { settings: config })
 *   expect(report.coverage.unreachable).toEqual([])
 * })
 */
export async function testDialogue(dialogue: Dialogue, options: DialogueTestOptions = {}): Promise<DialogueTestReport> {
  const base = options.settings ?? { apps: [DialogueApp], dialogues: [dialogue] }
  const settings = defineConfig(base as UserSettings)
  const texts = pathTexts(dialogue, settings, options.trigger)
  const limits = sessionLimits(dialogue, settings)
  const identity = options.identity ?? '1112223333'
  const harness = options.harness ?? new RapidTest({ settings: base as UserSettings, mockProjectBackends: true, fixtures: true, clock: new FakeClock(Date.UTC(2026, 0, 5, 9)), databaseUrl: options.databaseUrl })
  const own = !options.harness
  if (own) await harness.setup()
  const clock = harness.router.clock
  if (!(clock instanceof FakeClock)) throw new Error('testDialogue needs a harness with a FakeClock')
  const { transitions } = chartOf(dialogue)
  let derived: { paths: DialoguePath[]; coverage: Coverage }
  const results: PathResult[] = []
  try {
    derived = dialoguePaths(dialogue, limits, texts, clock.now())
    for (const [i, path] of derived.paths.entries()) {
      await harness.reset()
      // The chart's outcome for a start now (times may differ from the derivation's: quiet hours).
      const expected = replayPath(dialogue, limits, path.events, clock.now(), texts, transitions)
      const failures = await runPath(harness, dialogue, expected, identity, texts)
      results.push({ script: pathScript(`${dialogue.name}: path ${i + 1} of ${derived.paths.length}`, expected, identity, texts), passed: !failures.length, failures })
    }
  } finally {
    if (own) await harness.teardown()
  }
  const { coverage } = derived
  const passed = results.every((r) => r.passed) && coverage.unreachable.length === 0
  const report: DialogueTestReport = { dialogue: dialogue.name, paths: results, coverage, passed, summary: summaryOf(dialogue.name, results, coverage) }
  if (!passed && options.throwOnFailure !== false) throw new Error(report.summary)
  return report
}

/** Run one path; what went differently from the chart. */
async function runPath(harness: RapidTest, dialogue: Dialogue, expected: PathStep[], identity: string, texts: PathTexts): Promise<string[]> {
  const failures: string[] = []
  for (const [n, step] of expected.entries()) {
    const { event } = step
    let replies: Reply[]
    let what: string
    if (event.type === 'time') (what = `... ${step.ms} ms`), (replies = await harness.advanceTime(step.ms!))
    else {
      const text = event.type === 'start' ? texts.trigger : event.type === 'stop' ? texts.stopWord : event.text
      what = `${identity} > ${JSON.stringify(text)}`
      replies = await harness.exchange(identity, text)
    }
    const got = replies.filter((r) => r.identity === identity).map((r) => r.text)
    if (JSON.stringify(got) !== JSON.stringify(step.sends)) failures.push(`step ${n + 1} (${what}): expected ${JSON.stringify(step.sends)}, got ${JSON.stringify(got)}`)
  }
  const last = expected.at(-1)!
  const [connection] = await harness.lookupConnections([identity])
  const session = await harness.em().findOne(DialogueSession, { connection: connection!.id, dialogue: dialogue.name }, { orderBy: { startedAt: 'desc', version: 'desc' } })
  if (!session) failures.push('no session was stored')
  else {
    if (session.status !== last.status) failures.push(`the session ended ${session.status}, the chart says ${last.status}`)
    const at = stateKey(session.snapshot?.value)
    if (last.status === 'active' && at !== last.after) failures.push(`the session is in ${at}, the chart says ${last.after}`)
  }
  return failures
}

function percent(part: number, all: number): string {
  return all ? `${Math.floor((part / all) * 1000) / 10}%` : '100%'
}

function summaryOf(name: string, results: PathResult[], coverage: Coverage): string {
  const passed = results.filter((r) => r.passed).length
  const lines = [
    `dialogue ${name}: ${passed} of ${results.length} paths passed`,
    `  states:      ${coverage.states.covered.length}/${coverage.states.all.length} (${percent(coverage.states.covered.length, coverage.states.all.length)})`,
    `  transitions: ${coverage.transitions.covered.length}/${coverage.transitions.all.length} (${percent(coverage.transitions.covered.length, coverage.transitions.all.length)})`,
  ]
  if (coverage.unreachable.length) lines.push(`  unreachable states: ${coverage.unreachable.join(', ')}`)
  const missed = coverage.transitions.all.filter((t) => !coverage.transitions.covered.includes(t))
  if (missed.length) lines.push(`  transitions no path takes: ${missed.join(', ')}`)
  for (const [i, result] of results.entries()) if (!result.passed) lines.push(`  FAIL path ${i + 1}:`, ...result.failures.map((f) => `    ${f}`), ...result.script.trimEnd().split('\n').map((l) => `      ${l}`))
  return lines.join('\n')
}
