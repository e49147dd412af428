import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { docSteps, printedAsDocumented, type DocStep } from '../support/doc-steps.js'
import { runShell, sqliteRows, startShell, type Started } from '../support/project.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const tutorial = readFileSync(join(repo, 'docs/tutorial.md'), 'utf8')
const steps = docSteps(tutorial, '## Part 4')

/**
 * Tutorial parts 1-3, followed literally in a folder outside the repository: every file the
 * tutorial shows is written where it says, every command it prints is run as printed (in a
 * shell, from the folder the tutorial is in at that point), and what it shows a command
 * printing is what the command prints. The checkout is `rapidsms` beside the project, as
 * the tutorial assumes; npm may not ask the registry for anything.
 */
describe('docs/tutorial.md, parts 1-3', () => {
  const root = mkdtempSync(join(tmpdir(), 'rapidsms-tutorial-'))
  symlinkSync(repo, join(root, 'rapidsms'))
  let cwd = root
  let server: Started | undefined
  afterAll(async () => {
    await server?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('has the steps of a new project: startproject, install, start, scripts, makemigrations, loaddata', () => {
    const commands = steps.flatMap((s) => (s.kind === 'run' ? [s.command] : []))
    expect(commands.slice(0, 3)).toEqual(['npx --prefix rapidsms rapidsms startproject mysite', 'cd mysite', 'npm install'])
    expect(commands).toContain('npx rapidsms makemigrations AddChoice')
    expect(commands).toContain('npx rapidsms loaddata')
    expect(steps.filter((s) => s.kind === 'write').map((s) => (s as { path: string }).path)).toContain('voting/models.ts')
  })

  const step = async (s: DocStep) => {
    const where = `docs/tutorial.md line ${s.line}`
    if (s.kind === 'write') {
      const file = resolve(cwd, s.path)
      mkdirSync(dirname(file), { recursive: true })
      if (s.append) appendFileSync(file, s.content)
      else writeFileSync(file, s.content)
      return
    }
    const cd = /^cd (\S+)$/.exec(s.command)
    if (cd) {
      cwd = resolve(cwd, cd[1]!)
      return
    }
    // A running project stops (Ctrl-C) before the next command that is not a request to it.
    if (server && !s.command.startsWith('curl ')) {
      const output = await server.stop()
      expect(output, `${where}: stops cleanly on Ctrl-C`).toContain('router stopped')
      server = undefined
    }
    if (/^(npm|npx rapidsms) start$/.test(s.command)) {
      server = await startShell(s.command, { cwd, env: { PORT: '0' }, ready: /is ready/ })
      return
    }
    const command = server ? s.command.replaceAll('http://127.0.0.1:8000', server.url) : s.command
    const result = await runShell(command, { cwd })
    const printed = result.stdout.replace(/\s+$/, '').split('\n').map((l) => l.trimEnd())
    const failing = s.expected?.some((l) => /^\d+ passed, [1-9]\d* failed$/.test(l))
    expect(result.code, `${where}: ${s.command}\n${result.stdout}${result.stderr}`).toBe(failing ? 1 : 0)
    if (s.expected) expect(printedAsDocumented(s.expected, printed), `${where}: ${s.command} printed\n${printed.join('\n')}`).toBe(true)
  }

  it('runs every step as the tutorial prints it', { timeout: 600_000 }, async () => {
    for (const s of steps) {
      const t0 = performance.now()
      await step(s)
      if (process.env.TUTORIAL_TIMES) console.error(`${Math.round(performance.now() - t0)} ms  ${s.kind === "run" ? s.command : s.path}`)
    }
    expect(cwd).toBe(join(root, 'mysite'))
    // What the last curl did, in the project's own database: a vote counted, and its reply.
    const file = join(cwd, 'rapidsms.db')
    expect(await sqliteRows(file, 'select name, votes from voting_choice order by id')).toEqual([
      { name: 'Moe', votes: 1 },
      { name: 'Larry', votes: 0 },
      { name: 'Curly', votes: 0 },
    ])
    const replies = await sqliteRows<{ identity: string; text: string }>(file, "select identity, text from database_backendmessage where direction = 'O' order by id")
    expect(replies).toEqual([
      { identity: '123456', text: 'Hello, Ann!' },
      { identity: '349911', text: 'Your vote for Moe has been counted' },
    ])
  })
})
