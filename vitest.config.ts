import { connect } from 'node:net'
import { configDefaults, defineConfig } from 'vitest/config'

/**
 * Every test runs on SQLite; tests that touch the database run again on PostgreSQL when it
 * is reachable (always with REQUIRE_SERVICES=1, so CI fails instead of skipping).
 */
const POSTGRES = process.env.RAPIDSMS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 5432) })
    socket.setTimeout(1000)
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => (socket.destroy(), resolve(false)))
  })
}

/** Browser tests drive Chromium through the pages, whose database code the server-side page tests check on both databases: they run once, on SQLite. */
const SQLITE_ONLY = ['test/web/browser/**']

/** Test files that never open a database: they run once. One a line, so branches add theirs without conflicts. */
const DATABASE_FREE = [
  'test/core/**',
  'test/machines/**',
  'test/runtime/bus/**',
  'test/bench/**',
  'test/structure/**',
  'test/actors/connection-actor.test.ts',
  'test/testing/script.test.ts',
  'test/testing/fake-clock.test.ts',
  'test/contrib/dialogues/engine.test.ts',
  'test/backends/modem/pdu.test.ts',
  'test/backends/modem/at-*.test.ts',
  'test/backends/modem/simulator.test.ts',
  'test/backends/modem/probe.test.ts',
  'test/backends/modem/send-queue.test.ts',
  // New projects outside the repository, on their own SQLite files: once is enough.
  'test/cli/startproject*.test.ts',
  'test/cli/log-format.test.ts',
  'test/examples/tutorial-doc.test.ts',
  // Fuzz tests of parsers and formatters; the endpoint fuzzers run on both databases.
  'test/fuzz/regex.test.ts',
  'test/fuzz/python-format.test.ts',
  'test/fuzz/python-int.test.ts',
  'test/fuzz/script.test.ts',
  'test/fuzz/settings.test.ts',
  'test/fuzz/pdu.test.ts',
]

export default defineConfig(async () => {
  const withPostgres = process.env.REQUIRE_SERVICES === '1' || (await reachable(POSTGRES))
  const common = { include: ['test/**/*.test.ts'], testTimeout: 20_000, hookTimeout: 60_000 }
  return {
    test: {
      projects: [
        { test: { ...common, name: 'sqlite', env: { RAPIDSMS_TEST_DATABASE_URL: '', RAPIDSMS_LOG_LEVEL: 'silent' } } },
        ...(withPostgres
          ? [{ test: { ...common, name: 'postgres', exclude: [...configDefaults.exclude, ...DATABASE_FREE, ...SQLITE_ONLY], env: { RAPIDSMS_TEST_DATABASE_URL: POSTGRES, RAPIDSMS_LOG_LEVEL: 'silent' } } }]
          : []),
      ],
    },
  }
})
