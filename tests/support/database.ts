import { copyFileSync, mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { inject } from 'vitest'

// Runs before each integration test file imports anything, so `@/lib/server/env` and `@/lib/server/db`
// see a data dir of this file's own, holding a copy of the migrated template database.
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'batchboard-test-'))
copyFileSync(inject('templateDatabase'), path.join(dataDir, 'batchboard.db'))
process.env.DATA_DIR = dataDir
delete process.env.DATABASE_URL
// Handlers and actions are called directly, without a browser session; tests/integration/auth/* turn it on
// (vi.hoisted, before the env module loads) to test the sessions themselves.
process.env.BATCHBOARD_AUTH ??= 'off'
process.env.HOSTNAME = '127.0.0.1'
// One JSON line per request would bury the test output; tests that read the log set their own level (vi.hoisted).
process.env.LOG_LEVEL ??= 'warn'
