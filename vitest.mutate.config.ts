import { defineConfig } from 'vitest/config'

/**
 * The tests `npm run mutate` runs against each mutant (StrykerJS): the tests that reach the
 * mutated code (actors, machines, the writer, the DatabaseRouter), on SQLite and on
 * PostgreSQL, since the writer and the DatabaseRouter have code of their own for each.
 */
const POSTGRES = process.env.RAPIDSMS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/**
 * MUTATE_TESTS=glob,glob narrows the tests to those files: for a unit whose own tests are
 * meant to hold it (the writer: every host test reaches it, so each of its mutants would run
 * hundreds of tests), a faster and stricter reading.
 */
const narrowed = process.env.MUTATE_TESTS?.split(',').filter(Boolean)

const common = {
  include: narrowed ?? [
    'test/actors/**/*.test.ts',
    'test/machines/**/*.test.ts',
    'test/models/record-writer*.test.ts',
    'test/models/pending-writes.test.ts',
    'test/router/**/*.test.ts',
    'test/runtime/host.test.ts',
    'test/runtime/host-clock.test.ts',
    'test/runtime/inspection-stream.test.ts',
    'test/runtime/connection-changes.test.ts',
    'test/runtime/nats-host.test.ts',
    'test/backends/contract.test.ts',
    'test/backends/kannel/delivery-report.test.ts',
  ],
  // Module state is set up by each file's own hooks: sharing the imports between files saves re-importing the framework per file.
  isolate: false,
  // A mutant that leaves a promise pending is stopped by Stryker's own timeout (timeoutMS plus
  // a factor of the test's normal time); the test timeout only has to hold on a busy machine.
  testTimeout: 20_000,
  hookTimeout: 20_000,
}

/** MUTATE_DATABASES=sqlite runs the tests on SQLite alone: for code with nothing database-specific (the machines, the actors), twice as fast. */
const sqliteOnly = process.env.MUTATE_DATABASES === 'sqlite'
/** MUTATE_DATABASES=postgres: PostgreSQL alone, for code only PostgreSQL runs (the writer's array statements). */
const postgresOnly = process.env.MUTATE_DATABASES === 'postgres'

export default defineConfig({
  test: {
    projects: [
      ...(postgresOnly ? [] : [{ test: { ...common, name: 'sqlite', env: { RAPIDSMS_TEST_DATABASE_URL: '', RAPIDSMS_LOG_LEVEL: 'silent' } } }]),
      ...(sqliteOnly ? [] : [{ test: { ...common, name: 'postgres', env: { RAPIDSMS_TEST_DATABASE_URL: POSTGRES, RAPIDSMS_LOG_LEVEL: 'silent' } } }]),
    ],
  },
})
