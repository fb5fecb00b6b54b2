import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const root = fileURLToPath(new URL('.', import.meta.url))
const resolve = {
  alias: {
    '@/': root,
    // `server-only` throws outside a React Server environment; tests run server code directly.
    'server-only': fileURLToPath(new URL('./tests/support/server-only.ts', import.meta.url)),
  },
}

export default defineConfig({
  resolve,
  test: {
    projects: [
      {
        resolve,
        test: { name: 'unit', environment: 'node', include: ['tests/unit/**/*.test.ts', 'lib/**/*.test.ts'] },
      },
      {
        resolve,
        test: {
          name: 'integration',
          environment: 'node',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          setupFiles: ['tests/support/database.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Many integration tests run several real processes (servers, workers, a PostgreSQL) on 2 cores, where a
          // slow moment can outlast a wait. One retry keeps such a moment from failing the run; `npm test` names every
          // test that needed it (lib/cli/test.ts), so a flaky test is seen and fixed, not hidden. A real failure fails twice.
          retry: 1,
        },
      },
    ],
  },
})
