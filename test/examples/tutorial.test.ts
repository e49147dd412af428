import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { Message } from '../../src/contrib/messagelog/index.js'
import { useRapidTest } from '../../src/testing/index.js'
import tutorial from '../../examples/tutorial/rapidsms.config.js'
import { HelpHandler, SumHandler } from '../../examples/tutorial/myhandlers.js'
import { ResultsHandler, VoteHandler } from '../../examples/tutorial/voting/handlers.js'
import { Choice } from '../../examples/tutorial/voting/models.js'
import { rapidsms } from '../support/cli.js'

const project = fileURLToPath(new URL('../../examples/tutorial/', import.meta.url))
const scripts = readdirSync(new URL('scripts/', `file://${project}`)).filter((f) => f.endsWith('.txt')).sort()

describe('the tutorial scripts', () => {
  it('all pass with `rapidsms script --strict scripts/*.txt`: every reply checked, in order', async () => {
    const titles = scripts.flatMap((f) => readFileSync(`${project}scripts/${f}`, 'utf8').split('\n').filter((l) => l.startsWith('# ')))
    expect(titles.length).toBeGreaterThan(20)
    expect(scripts.length).toBe(10)
    const result = await rapidsms(['script', '--strict', ...scripts.map((f) => `scripts/${f}`)], { cwd: project })
    expect(result.stdout.trim().split('\n').at(-1)).toBe(`${scripts.length} passed, 0 failed`)
    expect(result.code).toBe(0)
  }, 60_000)
})

describe('the tutorial project', () => {
  const rapid = useRapidTest({ settings: tutorial, mockProjectBackends: true, fixtures: true })

  it('loads the choices Moe, Larry, Curly in that order', async () => {
    const choices = await rapid.em().find(Choice, {}, { orderBy: { id: 'asc' } })
    expect(choices.map((c) => [c.name, c.votes])).toEqual([
      ['Moe', 0],
      ['Larry', 0],
      ['Curly', 0],
    ])
  })

  it('the handlers answer their test() like the docs say', async () => {
    expect(await SumHandler.test('1 plus 2')).toEqual(['1+2 = 3'])
    expect(await SumHandler.test('1 plus 2 ')).toBe(false)
    expect(await HelpHandler.test('help aaa')).toEqual(['Help for aaa'])
    expect(await ResultsHandler.test('results')).toEqual(['Moe: 0; Larry: 0; Curly: 0'])
    expect(await VoteHandler.test('vote moe')).toEqual(['Your vote for moe has been counted'])
    expect(await ResultsHandler.test('RESULTS')).toEqual(['Moe: 1; Larry: 0; Curly: 0'])
  })

  it('counts concurrent votes in atomic updates: none is lost', async () => {
    const connections = await rapid.lookupConnections(Array.from({ length: 25 }, (_, i) => `+25470000${i}`))
    await Promise.all(connections.map((c) => rapid.receive('vote Curly', c)))
    expect((await rapid.em().findOneOrFail(Choice, { name: 'Curly' })).votes).toBe(25)
    expect(rapid.sentMessages.map((m) => m.text)).toEqual(Array(25).fill('Your vote for Curly has been counted'))
  })

  it('logs every message it receives and sends', async () => {
    await rapid.runScript(`
      349911 > RESULTS
      349911 < Moe: 0; Larry: 0; Curly: 0
    `, { strict: true })
    // Ordered by direction: concurrent group commits may give the O row the lower id.
    const rows = await rapid.em().find(Message, {}, { orderBy: { direction: 'asc' } })
    expect(rows.map((r) => `${r.direction} ${r.text}`)).toEqual(['I RESULTS', 'O Moe: 0; Larry: 0; Curly: 0'])
  })
})
