import { rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { defineConfig, devices } from '@playwright/test'

const port = Number(process.env.E2E_PORT ?? 3210)
/** The e2e server's own data dir; tests seed it through Prisma (tests/e2e/fixtures.ts). */
export const e2eDataDir = process.env.E2E_DATA_DIR ?? path.join(os.tmpdir(), `batchboard-e2e-${port}`)
// Fresh database per run; workers load this file too, so only the main process (no worker index) wipes it.
if (process.env.TEST_WORKER_INDEX === undefined) rmSync(e2eDataDir, { recursive: true, force: true })

export default defineConfig({
  testDir: './tests/e2e',
  timeout: 30_000,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: { baseURL: `http://127.0.0.1:${port}`, trace: 'retain-on-failure', screenshot: 'only-on-failure' },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-dev-shm-usage',
            '--disable-background-networking',
            '--disable-component-update',
            '--no-first-run',
            '--disable-sync',
            // No network here: stop Chromium's own lookups, but keep loopback (MAP * also catches IP literals).
            '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1',
          ],
        },
      },
    },
  ],
  // The same path a user takes: `npm start` (migrate, build if needed, serve) on a fresh data dir.
  webServer: {
    command: 'npx tsx lib/cli/start.ts',
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { DATA_DIR: e2eDataDir, DATABASE_URL: '', PORT: String(port), HOSTNAME: '127.0.0.1', NEXT_TELEMETRY_DISABLED: '1' },
  },
})
