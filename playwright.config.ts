import { rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { defineConfig, devices } from '@playwright/test'

const port = Number(process.env.E2E_PORT ?? 3210)
/** The e2e server's own data dir; tests seed it through Prisma (tests/e2e/fixtures.ts). */
export const e2eDataDir = process.env.E2E_DATA_DIR ?? path.join(os.tmpdir(), `batchboard-e2e-${port}`)
/** Everything the e2e server writes to stdout and stderr, so tests can prove what it never logs. */
export const e2eServerLog = path.join(e2eDataDir, '..', `batchboard-e2e-${port}.log`)
/** The admin session made by tests/e2e/auth.setup.ts; every spec starts logged in with it. */
export const e2eStorageState = path.join(e2eDataDir, '..', `batchboard-e2e-${port}-session.json`)
/** The admin password the setup project creates (test-only, on a throwaway data dir). */
export const E2E_ADMIN_PASSWORD = 'e2e correct horse battery staple'
// Fresh database per run; workers load this file too, so only the main process (no worker index) wipes it.
if (process.env.TEST_WORKER_INDEX === undefined) {
  for (const leftover of [e2eDataDir, e2eServerLog, e2eStorageState]) rmSync(leftover, { recursive: true, force: true })
}

const chromium = {
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
}

export default defineConfig({
  testDir: './tests/e2e',
  timeout: 30_000,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: { baseURL: `http://127.0.0.1:${port}`, trace: 'retain-on-failure', screenshot: 'only-on-failure' },
  projects: [
    // First run through the real setup screen; its session is then every spec's starting point.
    { name: 'setup', testMatch: /auth\.setup\.ts$/, use: chromium },
    { name: 'chromium', dependencies: ['setup'], use: { ...chromium, storageState: e2eStorageState } },
  ],
  // The same path a user takes: `npm start` (migrate, build if needed, serve) on a fresh data dir, with its
  // output copied to a file for the secrets spec (and to stderr, so a failed start still says why).
  webServer: {
    command: `bash -c 'set -o pipefail; npx tsx lib/cli/start.ts 2>&1 | tee "${e2eServerLog}" >&2'`,
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      DATA_DIR: e2eDataDir,
      DATABASE_URL: '',
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      NEXT_TELEMETRY_DISABLED: '1',
      // OpenAI's enqueued-token limit for the jobs spec's model alone (about three of its 10,000-line parts), so its
      // job meets token_limit_exceeded; every other model, and every other spec, runs without limits.
      BATCHBOARD_V1_LIMITS: JSON.stringify({ enqueuedTokens: { 'sim-jobs*': 700_000 } }),
    },
  },
})
