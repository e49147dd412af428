import { readFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { RapidTest } from '../../testing/rapid-test.js'
import { formatFailure, parseScripts, runSteps, type Script } from '../../testing/script.js'
import type { LoadedConfig } from '../load-config.js'

/**
 * `rapidsms script FILE...`: run conversation scripts against the project: its apps and
 * handlers, its backends replaced by recording ones, a scratch database (SQLite, or a
 * temporary database on the PostgreSQL server DATABASE_URL names) emptied before every
 * script and loaded with the project's fixtures. Returns the number of failed scripts.
 */
export async function runScriptFiles(config: LoadedConfig, files: string[], out: (line: string) => void): Promise<number> {
  const loaded: { file: string; scripts: Script[] }[] = files.map((file) => {
    const path = resolve(process.cwd(), file)
    return { file, scripts: parseScripts(readFileSync(path, 'utf8'), basename(file)) }
  })
  const harness = new RapidTest({
    settings: config.settings,
    mockProjectBackends: true,
    fixtures: true,
    databaseUrl: process.env.DATABASE_URL,
  })
  await harness.setup()
  let passed = 0
  let failed = 0
  try {
    for (const { file, scripts } of loaded) {
      for (const script of scripts) {
        await harness.reset()
        const failures = await runSteps(script, (identity, text) => harness.exchange(identity, text))
        if (failures.length) {
          failed++
          out(`FAIL ${file}: ${script.title} (line ${script.line})`)
          for (const failure of failures) out(formatFailure(failure))
        } else {
          passed++
          out(`ok   ${file}: ${script.title}`)
        }
      }
    }
  } finally {
    await harness.teardown()
  }
  out(`${passed} passed, ${failed} failed`)
  return failed
}
