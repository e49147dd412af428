import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { rapidsms } from '../support/cli.js'

const project = fileURLToPath(new URL('../../examples/dialogues/', import.meta.url))
const scripts = readdirSync(join(project, 'scripts')).filter((f) => f.endsWith('.txt')).sort()

describe('the dialogues example project', () => {
  it('passes its conversation scripts strictly: the survey, reminders, expiry, STOP, a restart, startDialogue', async () => {
    expect(scripts).toEqual(['01-survey.txt', '02-reminders.txt', '03-expiry.txt', '04-stop.txt', '05-restart.txt', '06-start-dialogue.txt'])
    const result = await rapidsms(['script', '--strict', ...scripts.map((f) => `scripts/${f}`)], { cwd: project })
    expect(result.stdout.trim().split('\n').at(-1)).toBe(`${scripts.length} passed, 0 failed`)
    expect(result.code).toBe(0)
  }, 120_000)

  it('`rapidsms dialogues test survey` passes every path with 100% of states and transitions', async () => {
    const result = await rapidsms(['dialogues', 'test', 'survey'], { cwd: project })
    expect(result.stdout).toMatch(/^dialogue survey: (\d+) of \1 paths passed$/m)
    expect(result.stdout).toContain('  states:      22/22 (100%)\n  transitions: 32/32 (100%)')
    expect(result.code).toBe(0)
  }, 120_000)

  it('`rapidsms dialogues paths survey --out DIR` writes scripts that `rapidsms script --strict` passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'survey-paths-'))
    try {
      const written = await rapidsms(['dialogues', 'paths', 'survey', '--out', dir], { cwd: project })
      expect(written.stdout).toMatch(/^Wrote (\d+) scripts to .* \(states 22\/22, transitions 32\/32\)\.$/m)
      const files = readdirSync(dir).sort()
      expect(files[0]).toBe('survey-01.txt')
      const run = await rapidsms(['script', '--strict', ...files.map((f) => join(dir, f))], { cwd: project })
      expect(run.stdout.trim().split('\n').at(-1)).toBe(`${files.length} passed, 0 failed`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  it('names the dialogues there are when asked for one that is not', async () => {
    const result = await rapidsms(['dialogues', 'test', 'quiz'], { cwd: project })
    expect(result.stderr).toContain('no dialogue is named "quiz" (the project has: survey)')
    expect(result.code).toBe(1)
  }, 60_000)
})
