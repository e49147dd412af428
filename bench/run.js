#!/usr/bin/env node
// Runs every bench/*.bench.ts, or those whose name contains one of the arguments
// (`npm run bench -- http`). Each prints one JSON line per figure on stdout.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const filters = process.argv.slice(2)
const benches = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .sort()
  .filter((file) => !filters.length || filters.some((f) => file.slice(0, -'.bench.ts'.length).includes(f)))

if (!benches.length) {
  process.stderr.write(`no benchmark matches ${filters.join(', ')}; there are: ${readdirSync(here).filter((f) => f.endsWith('.bench.ts')).join(', ')}\n`)
  process.exit(2)
}
let failed = 0
for (const file of benches) {
  process.stderr.write(`== ${file}\n`)
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: 'inherit', cwd: join(here, '..') })
  if (result.status !== 0) {
    failed++
    process.stderr.write(`${file} failed (exit ${result.status ?? result.signal})\n`)
  }
}
process.exit(failed ? 1 : 0)
