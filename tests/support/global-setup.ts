import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { migrateDatabase } from '@/lib/cli/migrate'
import { loadEnv } from '@/lib/config/env'

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string
  }
}

/** Migrates one SQLite database for the whole run; each test file then works on its own copy. */
export default function setup(project: TestProject) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'batchboard-template-'))
  const env = loadEnv({ DATA_DIR: dataDir })
  migrateDatabase(env)
  project.provide('templateDatabase', env.databasePath)
  return () => rmSync(dataDir, { recursive: true, force: true })
}
