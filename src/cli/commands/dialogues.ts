import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Dialogue } from '../../contrib/dialogues/define.js'
import { ConfigError } from '../../core/errors.js'
import { environment } from '../../core/environment.js'
import { dialogueScripts, testDialogue } from '../../testing/dialogue-test.js'
import type { LoadedConfig } from '../load-config.js'

/** The project's dialogues, or the one named (a ConfigError naming the choices otherwise). */
function dialoguesOf(config: LoadedConfig, name?: string): Dialogue[] {
  const all = (config.settings.dialogues as Dialogue[] | undefined) ?? []
  if (!all.length) throw new ConfigError('dialogues', 'the project has no dialogues: install DialogueApp and list them in the "dialogues" setting')
  if (name === undefined) return all
  const found = all.filter((d) => d.name === name)
  if (!found.length) throw new ConfigError('dialogues', `no dialogue is named "${name}" (the project has: ${all.map((d) => d.name).join(', ')})`)
  return found
}

/**
 * `rapidsms dialogues test [NAME]`: run every path of each dialogue's chart (or of NAME's)
 * against the project on a scratch database with a fake clock, and report what passed and
 * the coverage of states and transitions. Returns the number of dialogues that failed.
 */
export async function testDialogues(config: LoadedConfig, name: string | undefined, out: (line: string) => void, options: { verbose?: boolean } = {}): Promise<number> {
  let failed = 0
  for (const dialogue of dialoguesOf(config, name)) {
    out(`Testing every path of "${dialogue.name}"...`)
    const report = await testDialogue(dialogue, { settings: config.settings, throwOnFailure: false, databaseUrl: environment.databaseUrl })
    if (options.verbose) for (const [i, path] of report.paths.entries()) out(`${path.passed ? 'ok  ' : 'FAIL'} path ${i + 1}: ${path.script.split('\n').length - 3} lines`)
    out(report.summary)
    if (!report.passed) failed++
  }
  return failed
}

/**
 * `rapidsms dialogues paths NAME`: the paths of a dialogue's chart as conversation scripts
 * (one per path), printed, or written to `--out DIR` as files `rapidsms script --strict`
 * runs.
 */
export function printDialoguePaths(config: LoadedConfig, name: string, out: (line: string) => void, options: { out?: string; identity?: string } = {}): void {
  const [dialogue] = dialoguesOf(config, name)
  const { scripts, coverage } = dialogueScripts(dialogue!, config.settings, { identity: options.identity, now: Date.UTC(2026, 0, 5, 9) })
  if (options.out) {
    const dir = resolve(process.cwd(), options.out)
    mkdirSync(dir, { recursive: true })
    scripts.forEach((script, i) => writeFileSync(join(dir, `${dialogue!.name}-${String(i + 1).padStart(2, '0')}.txt`), script))
    out(`Wrote ${scripts.length} scripts to ${dir} (states ${coverage.states.covered.length}/${coverage.states.all.length}, transitions ${coverage.transitions.covered.length}/${coverage.transitions.all.length}).`)
    return
  }
  out(scripts.join('\n'))
}
