import { defineConfig } from 'vitest/config'

export default defineConfig({
  // RapidSMS's web pages are hono/jsx (.tsx): compile their JSX for hono, not React.
  oxc: { jsx: { runtime: 'automatic', importSource: 'hono/jsx' } },
  test: {
    include: ['test/**/*.test.ts'],
    // The router logs every message it sends; tests only want warnings and errors.
    env: { RAPIDSMS_LOG_LEVEL: 'warn' },
    hookTimeout: 60_000,
  },
})
