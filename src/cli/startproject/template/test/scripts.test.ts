import { readdirSync, readFileSync } from 'node:fs'
import { describe, it } from 'vitest'
import { useRapidTest } from 'rapidsms/testing'
import settings from '../rapidsms.config.js'

// Every conversation script in scripts/ is a test, as `npx rapidsms script scripts/*.txt` runs them.
const folder = new URL('../scripts/', import.meta.url)
const scripts = readdirSync(folder).filter((file) => file.endsWith('.txt')).sort()

describe('the conversation scripts', () => {
  const rapid = useRapidTest({ settings, mockProjectBackends: true, fixtures: true })

  for (const file of scripts) {
    it(`scripts/${file}`, async () => {
      await rapid.runScript(readFileSync(new URL(file, folder), 'utf8'))
    })
  }
})
