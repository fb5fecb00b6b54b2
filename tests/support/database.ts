import { randomBytes } from 'node:crypto'
import { copyFileSync, mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { inject } from 'vitest'

// Runs before each integration test file imports anything, so `@/lib/server/env` and `@/lib/server/db`
// see a data dir of this file's own and a database of its own: a copy of the migrated template database.
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'batchboard-test-'))
const database = inject('testDatabase')
if (database.kind === 'sqlite') {
  copyFileSync(database.templatePath, path.join(dataDir, 'batchboard.db'))
  delete process.env.DATABASE_URL
} else {
  // CREATE DATABASE … TEMPLATE copies the migrated template's files inside the cluster: far cheaper than migrating.
  const template = new URL(database.templateUrl)
  const name = `test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: new URL('/postgres', template).href })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template.pathname.slice(1)}"`)
  } finally {
    await admin.end()
  }
  process.env.DATABASE_URL = new URL(`/${name}`, template).href
}
process.env.DATA_DIR = dataDir
// Handlers and actions are called directly, without a browser session; tests/integration/auth/* turn it on
// (vi.hoisted, before the env module loads) to test the sessions themselves.
process.env.BATCHBOARD_AUTH ??= 'off'
process.env.HOSTNAME = '127.0.0.1'
// One JSON line per request would bury the test output; tests that read the log set their own level (vi.hoisted).
process.env.LOG_LEVEL ??= 'warn'
