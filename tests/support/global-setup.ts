import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { migrateDatabase } from '@/lib/cli/migrate'
import { loadEnv } from '@/lib/config/env'
import { startPostgresCluster } from '@/lib/cli/postgres-cluster'
import { POSTGRES_TEMPLATE, testDatabaseKind, type TestDatabase } from './test-database'

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: TestDatabase
  }
}

/**
 * Migrates one database for the whole run; each test file then works on its own copy (tests/support/database.ts).
 * SQLite by default; with BATCHBOARD_TEST_DB=postgres, a template database in a throwaway PostgreSQL cluster.
 */
export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'batchboard-template-'))
  if (testDatabaseKind() === 'sqlite') {
    const env = loadEnv({ DATA_DIR: dataDir })
    if (!env.databasePath) throw new Error('DATA_DIR alone should select SQLite')
    migrateDatabase(env)
    project.provide('testDatabase', { kind: 'sqlite', templatePath: env.databasePath })
    return () => rmSync(dataDir, { recursive: true, force: true })
  }
  const cluster = await startPostgresCluster()
  try {
    await cluster.createDatabase(POSTGRES_TEMPLATE)
    migrateDatabase(loadEnv({ DATA_DIR: dataDir, DATABASE_URL: cluster.url(POSTGRES_TEMPLATE) }))
  } catch (error) {
    cluster.stop()
    throw error
  }
  project.provide('testDatabase', { kind: 'postgresql', templateUrl: cluster.url(POSTGRES_TEMPLATE) })
  return () => {
    cluster.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
