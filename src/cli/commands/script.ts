import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { systemClock } from '../../core/clock.js'
import { FakeClock } from '../../testing/fake-clock.js'
import { RapidTest } from '../../testing/rapid-test.js'
import { formatFailure, parseScript, runSteps, ScriptSyntaxError, type Script, type ScriptOptions } from '../../testing/script.js'
import type { LoadedConfig } from '../load-config.js'
import { environment } from '../../core/environment.js'

/**
 * `rapidsms script FILE...`: run conversation scripts against the project: its apps and
 * handlers, its backends replaced by recording ones, a scratch database (SQLite, or a
 * temporary database on the PostgreSQL server DATABASE_URL names). Each file is one
 * conversation, run from an empty database loaded with the project's fixtures. Returns the
 * number of failed files.
 */
export async function runScriptFiles(config: LoadedConfig, files: string[], out: (line: string) => void, options: ScriptOptions = {}): Promise<number> {
  const scripts: Script[] = files.map((file) => {
    try {
      return parseScript(readFileSync(resolve(process.cwd(), file), 'utf8'), file)
    } catch (error) {
      if (error instanceof ScriptSyntaxError) error.message = `${file}: ${error.message}`
      throw error
    }
  })
  // Scripts that move time ("... 24h") run on a fake clock, started at the real time; others keep real time.
  const timed = scripts.some((script) => script.steps.some((step) => step.direction === '...'))
  const harness = new RapidTest({
    settings: config.settings,
    mockProjectBackends: true,
    fixtures: true,
    databaseUrl: environment.databaseUrl,
    ...(timed && { clock: new FakeClock(systemClock.now()) }),
  })
  await harness.setup()
  let passed = 0
  let failed = 0
  try {
    for (const script of scripts) {
      await harness.reset()
      const failures = await runSteps(script, (identity, text) => harness.exchange(identity, text), options, harness.scriptHarness())
      if (failures.length) {
        failed++
        out(`FAIL ${script.title}`)
        for (const failure of failures) out(formatFailure(failure))
      } else {
        passed++
        out(`ok   ${script.title}`)
      }
    }
  } finally {
    await harness.teardown()
  }
  out(`${passed} passed, ${failed} failed`)
  return failed
}
