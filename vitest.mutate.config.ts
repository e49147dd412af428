import { defineConfig } from 'vitest/config'

/**
 * The tests `npm run mutate` runs against each mutant (StrykerJS): SQLite only, the folders
 * whose tests reach the mutated code (actors, machines, the writer, the DatabaseRouter).
 */
export default defineConfig({
  test: {
    include: ['test/actors/**/*.test.ts', 'test/machines/**/*.test.ts', 'test/models/**/*.test.ts', 'test/router/**/*.test.ts', 'test/runtime/**/*.test.ts', 'test/backends/**/*.test.ts', 'test/contrib/**/*.test.ts', 'test/web/edge.test.ts'],
    exclude: ['test/backends/kannel/kannel.integration.test.ts', 'test/backends/modem/**', 'test/web/browser/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    env: { RAPIDSMS_TEST_DATABASE_URL: '', RAPIDSMS_LOG_LEVEL: 'silent' },
  },
})
