import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BackendMessage } from '../../src/index.js'
import { Database } from '../../src/models/index.js'
import { scratchDatabase, type ScratchDatabase } from '../../src/testing/index.js'
import { rapidsmsUntil } from '../support/cli.js'
import { testSchema } from '../support/database.js'

const project = fileURLToPath(new URL('./fixtures/slow/', import.meta.url))

describe('rapidsms start serves the web edge', () => {
  let scratch: ScratchDatabase
  beforeEach(async () => {
    scratch = await scratchDatabase()
  })
  afterEach(async () => {
    await scratch.dispose()
  })

  it('on SIGTERM it stops taking requests, finishes the one in flight, then stops the host', async () => {
    const { child, output } = await rapidsmsUntil(['start', '--port', '0'], 'Slow is ready', { cwd: project, env: { DATABASE_URL: scratch.url, RAPIDSMS_LOG_LEVEL: 'info' } })
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    try {
      const url = /web edge listening on (http:\/\/[\d.]+:\d+)/.exec(output())![1]!
      expect((await fetch(`${url}/health`)).status).toBe(200)
      expect(await (await fetch(`${url}/backend/web/?identity=1&text=hello`)).text()).toBe('OK')

      const slow = fetch(`${url}/backend/web/?identity=2&text=slow`).then(async (r) => [r.status, await r.text()])
      while (((await (await fetch(`${url}/health`, { headers: { connection: 'close' } })).json()) as { received: number }).received < 2) await new Promise((r) => setTimeout(r, 20))
      child.kill('SIGTERM')
      await new Promise((r) => setTimeout(r, 200))
      await expect(fetch(`${url}/health`, { headers: { connection: 'close' } })).rejects.toThrow()
      expect(await slow).toEqual([200, 'OK'])
      expect(await exited).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    const log = output()
    expect(log.indexOf('web edge stopped')).toBeGreaterThan(-1)
    expect(log.indexOf('router stopped')).toBeGreaterThan(log.indexOf('web edge stopped'))

    const db = await Database.open({ url: scratch.url, ...testSchema })
    try {
      const rows = await db.orm.em.fork().find(BackendMessage, {}, { orderBy: { id: 'asc' } })
      expect(rows.map((r) => [r.identity, r.text])).toEqual([
        ['1', 'done: hello'],
        ['2', 'done: slow'],
      ])
    } finally {
      await db.close()
    }
  })
})
