import { describe, expect, it } from 'vitest'
import { useRapidTest } from 'rapidsms/testing'
import settings from '../rapidsms.config.js'
import { HelloHandler } from '../hello/handlers.js'

describe('the hello app', () => {
  // The project's apps and handlers on a scratch database, its backends replaced by recording ones.
  const rapid = useRapidTest({ settings, mockProjectBackends: true, fixtures: true })

  it('greets by name', async () => {
    await rapid.runScript(
      `
      123456 > hello Ann
      123456 < Hello, Ann!
      `,
      { strict: true },
    )
  })

  it('answers its test() alone, without the other handlers', async () => {
    expect(await HelloHandler.test('hello  Bob')).toEqual(['Hello, Bob!'])
    expect(await HelloHandler.test('goodbye')).toBe(false)
  })
})
