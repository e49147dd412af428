import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The router logs every message it sends; tests only want warnings and errors.
    env: { RAPIDSMS_LOG_LEVEL: 'warn' },
    hookTimeout: 60_000,
  },
})
