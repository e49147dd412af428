import { afterAll, beforeAll, expect } from 'vitest'
import type { Hono } from 'hono'
import demo from '../../../config/demo.config.js'
import { DatabaseBackend, genericHttpInbound, KannelBackend, VumiBackend } from '../../../src/index.js'
import { RapidTest } from '../../../src/testing/index.js'
import { createEdge } from '../../../src/web/index.js'
import { recordingServer, type RecordingServer } from '../../support/recording-server.js'

/** The demo project's apps and handlers, with a backend of every kind the edge serves. */
export const FUZZ_BACKENDS = {
  http: 'message_tester',
  kannel: 'kannel',
  vumi: 'vumi',
} as const

/** What a door of the edge must hold for any request. */
export interface EdgeUnderFuzz {
  readonly rapid: RapidTest
  readonly app: Hono
  /** Rows of every table of the schema, by table. */
  countRows(): Promise<Record<string, number>>
  /**
   * Send a request and check what must hold whatever it was: the answer is 2xx or 4xx, a
   * 4xx leaves every table as it was and reaches no router, a 2xx reached it once, no app
   * raised and no reply failed, and the edge still answers /health. Resolves with the answer.
   */
  check(path: string, init: RequestInit): Promise<{ status: number; body: string }>
}

/**
 * A host on a scratch database (the fuzz project's schema) with its edge as a Hono app,
 * replies going to a loopback gateway that accepts them: set up before the file's tests.
 */
export function useEdgeUnderFuzz(options: { router?: 'blocking' | 'database' } = {}): EdgeUnderFuzz {
  const rapid = new RapidTest({
    settings: demo,
    router: options.router,
    backends: {
      [FUZZ_BACKENDS.http]: { engine: DatabaseBackend, inbound: genericHttpInbound },
      [FUZZ_BACKENDS.kannel]: { engine: KannelBackend, sendsms_url: 'http://127.0.0.1:9/', delivery_report_url: 'http://127.0.0.1:8000', retries: 0 },
      [FUZZ_BACKENDS.vumi]: { engine: VumiBackend, sendsms_url: 'http://127.0.0.1:9/', retries: 0 },
    },
  })
  let gateway: RecordingServer
  let app: Hono
  let tables: string[] = []
  beforeAll(async () => {
    gateway = await recordingServer()
    const backends = rapid.options.backends!
    backends[FUZZ_BACKENDS.kannel]!.sendsms_url = `${gateway.url}/cgi-bin/sendsms`
    backends[FUZZ_BACKENDS.vumi]!.sendsms_url = `${gateway.url}/send/`
    gateway.answer = (r) => (r.url.startsWith('/cgi-bin') ? { status: 202, body: '0: Accepted for delivery' } : { status: 200, body: 'OK' })
    await rapid.setup()
    app = createEdge(rapid.router, { requestLog: false }).app
    tables = Object.values(rapid.db.orm.getMetadata().getAll()).map((meta) => meta.tableName)
  }, 60_000)
  afterAll(async () => {
    await rapid.teardown()
    await gateway?.close()
  })

  // One statement for every table: one round trip per count.
  const countRows = async () => {
    const [row] = await rapid.db.orm.em.getConnection().execute<Record<string, number | string>[]>(`select ${tables.map((t, i) => `(select count(*) from "${t}") as t${i}`).join(', ')}`)
    return Object.fromEntries(tables.map((t, i) => [t, Number(row![`t${i}`])]))
  }

  return {
    rapid,
    get app() {
      return app
    },
    countRows,
    async check(path, init) {
      const before = await countRows()
      const stats = rapid.router.stats()
      const response = await app.request(path, init)
      const body = await response.text()
      await rapid.db.writer.drain()
      const after = await countRows()
      const now = rapid.router.stats()
      const what = `${init.method ?? 'GET'} ${path} -> ${response.status} ${JSON.stringify(body.slice(0, 300))}`
      expect(response.status >= 200 && response.status < 300 || response.status >= 400 && response.status < 500, what).toBe(true)
      if (response.status >= 400) {
        expect(after, what).toEqual(before)
        expect(now.received, what).toBe(stats.received)
      }
      expect(now.appErrors, what).toBe(stats.appErrors)
      expect(now.sendFailures, what).toBe(stats.sendFailures)
      expect((await app.request('/health')).status).toBe(200)
      return { status: response.status, body }
    },
  }
}
