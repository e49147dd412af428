import { setup } from 'xstate'
import { describe, expect, it } from 'vitest'
import { ask, defineDialogue, DialogueApp, say, text } from '../../src/contrib/dialogues/index.js'
import { dialogueScripts, testDialogue } from '../../src/testing/index.js'
import config from '../../examples/dialogues/rapidsms.config.js'
import { survey } from '../../examples/dialogues/survey.js'

describe('testDialogue: every path of the chart on a real host', () => {
  it('passes every path of the survey, covering all its states and transitions', async () => {
    const report = await testDialogue(survey, { settings: config })
    expect(report.passed).toBe(true)
    expect(report.coverage.unreachable).toEqual([])
    expect(report.coverage.states.covered).toEqual(report.coverage.states.all)
    expect(report.coverage.transitions.covered).toEqual(report.coverage.transitions.all)
    expect(report.coverage.states.all).toHaveLength(22)
    expect(report.coverage.transitions.all).toHaveLength(32)
    expect(report.summary.split('\n').slice(1)).toEqual(['  states:      22/22 (100%)', '  transitions: 32/32 (100%)'])
    // Delayed transitions are taken: a path waits 24 hours for a reminder, and one for the expiry.
    const scripts = report.paths.map((p) => p.script).join('\n')
    expect(scripts).toContain('... 24h\n1112223333 < Reminder: Welcome to the health survey. What is your name?')
    expect(scripts).toContain('1112223333 < This survey has expired. Send SURVEY to start again.')
    expect(scripts).toContain('1112223333 > STOP\n1112223333 < You have left the survey. Send SURVEY to start again.')
    expect(scripts).toContain('# ends completed (in saved)')
  }, 120_000)

  it('fails on a state no path reaches, naming it', async () => {
    const island = defineDialogue({
      name: 'island',
      trigger: 'island',
      machine: setup({}).createMachine({
        initial: 'name',
        states: {
          name: ask({ question: 'Name?', answer: text(), store: 'name', next: 'done' }),
          done: { type: 'final', entry: say('Bye.') },
          lost: { entry: say('Nobody comes here.') },
        },
      }),
    })
    await expect(testDialogue(island)).rejects.toThrow(/unreachable states: \(machine\)\.lost/)
    const report = await testDialogue(island, { throwOnFailure: false })
    expect([report.passed, report.coverage.unreachable]).toEqual([false, ['(machine).lost']])
  }, 60_000)

  it('fails a path whose host does not do what the chart says (an onDone that throws)', async () => {
    const broken = defineDialogue({
      name: 'broken',
      trigger: 'broken',
      machine: setup({}).createMachine({ initial: 'q', states: { q: ask({ question: 'Yes?', answer: text(), next: 'done' }), done: { type: 'final', entry: say('Saved.') } } }),
      onDone: () => {
        throw new Error('disk full')
      },
    })
    const report = await testDialogue(broken, { settings: { apps: [DialogueApp], dialogues: [broken], logLevel: 'silent' }, throwOnFailure: false })
    expect(report.passed).toBe(false)
    const failed = report.paths.find((p) => !p.passed)!
    expect(failed.failures).toEqual(['step 2 (1112223333 > "Ann"): expected ["Saved."], got []', 'the session ended failed, the chart says completed'])
  }, 60_000)

  it('prints paths as conversation scripts that rapidsms script runs strictly', () => {
    const { scripts, coverage } = dialogueScripts(survey, config)
    expect(scripts.length).toBe(coverage.states.all.length > 0 ? scripts.length : 0)
    expect(scripts[0]!.split('\n')[0]).toMatch(/^# survey: path 1 of \d+$/)
    expect(scripts.every((s) => s.includes('1112223333 > SURVEY\n1112223333 < Welcome to the health survey. What is your name?'))).toBe(true)
  })
})
