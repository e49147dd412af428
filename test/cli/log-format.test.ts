import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { scratchDatabase, type ScratchDatabase } from '../../src/testing/index.js'
import { BIN } from '../support/cli.js'
import { startShell } from '../support/project.js'

const project = fileURLToPath(new URL('./fixtures/project/', import.meta.url))
const ANSI = /\x1b\[[0-9;]*m/g

/** `rapidsms start` with a real terminal: util-linux's `script` gives it a pty. */
const onTerminal = (args: string) => `script -qfec ${JSON.stringify(`node ${BIN} start --port 0 ${args}`)} /dev/null`

describe('rapidsms start logs', () => {
  let scratch: ScratchDatabase
  beforeEach(async () => {
    scratch = await scratchDatabase()
  })
  afterEach(async () => {
    await scratch.dispose()
  })

  it('on a terminal: readable lines with the time, level, logger and message, fields after them', { timeout: 60_000 }, async () => {
    const run = await startShell(onTerminal(''), { cwd: project, env: { DATABASE_URL: scratch.url }, ready: /is ready/, terminal: true })
    const lines = (await run.stop()).replace(ANSI, '').split(/\r?\n/)
    const ready = lines.find((l) => l.includes('is ready'))!
    expect(ready).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(rapidsms\.cli\): Fixture is ready \{"project":"Fixture",.*"url":"http:\/\/127\.0\.0\.1:\d+"\}$/)
    expect(lines.some((l) => /^(\^C)?\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(rapidsms\.cli\): shutting down \{"signal":"SIGINT"\}$/.test(l))).toBe(true)
  })

  it('on a terminal with --log-format json: JSON lines', { timeout: 60_000 }, async () => {
    const run = await startShell(onTerminal('--log-format json'), { cwd: project, env: { DATABASE_URL: scratch.url }, ready: /is ready/, terminal: true })
    const ready = (await run.stop()).split(/\r?\n/).find((l) => l.includes('is ready'))!
    expect(JSON.parse(ready)).toMatchObject({ level: 30, name: 'rapidsms.cli', msg: 'Fixture is ready', project: 'Fixture' })
  })

  it('not on a terminal (piped to a file or collector): JSON lines', { timeout: 60_000 }, async () => {
    const run = await startShell(`node ${BIN} start --port 0`, { cwd: project, env: { DATABASE_URL: scratch.url }, ready: /is ready/ })
    const ready = (await run.stop()).split('\n').find((l) => l.includes('is ready'))!
    expect(JSON.parse(ready)).toMatchObject({ level: 30, name: 'rapidsms.cli', msg: 'Fixture is ready' })
  })

  it('--log-format takes pretty or json only', { timeout: 60_000 }, async () => {
    const run = startShell(`node ${BIN} --log-format xml start`, { cwd: project, env: { DATABASE_URL: scratch.url }, ready: /is ready/ })
    await expect(run).rejects.toThrow(/option '--log-format <format>' argument 'xml' is invalid\. Allowed choices are pretty, json\./)
  })
})
