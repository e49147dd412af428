#!/usr/bin/env node
// Runs every bench/*.bench.ts but the long ones (the soak), or those whose name contains one
// of the arguments (`npm run bench -- http`, `npm run bench -- soak`). Each prints one JSON
// line per figure on stdout.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const filters = process.argv.slice(2)
// Benches that run for many minutes (the soak: 10 by default): only when named.
const LONG = ['soak.bench.ts']
const named = (file) => filters.some((f) => file.slice(0, -'.bench.ts'.length).includes(f))
const benches = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .sort()
  .filter((file) => (filters.length ? named(file) : !LONG.includes(file)))
if (!filters.length) process.stderr.write(`not running ${LONG.join(', ')} (long; run it by name, e.g. npm run bench -- soak)\n`)

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
