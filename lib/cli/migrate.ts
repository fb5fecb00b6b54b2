import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { Env } from '@/lib/config/env'
import { bin, projectRoot } from './run'

/**
 * Creates the data dir (and the SQLite database) if needed and applies every committed migration of the database
 * DATABASE_URL names: prisma.config.ts picks the PostgreSQL schema and migrations for a postgresql:// URL.
 */
export function migrateDatabase(env: Env) {
  mkdirSync(env.dataDir, { recursive: true })
  if (env.databasePath) mkdirSync(path.dirname(env.databasePath), { recursive: true })
  const result = spawnSync(bin('prisma'), ['migrate', 'deploy'], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: env.databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
  })
  if (result.status !== 0) {
    // Prisma's output names the URL's host and database, never its password.
    throw new Error(`Could not migrate the database at ${env.databaseLabel}:\n${result.stdout}${result.stderr}`)
  }
  if (!env.databasePath) return
  // WAL is a property of the database file, so setting it once here covers every later connection:
  // readers (pages, polling) never block the writer (uploads, engine).
  const sqlite = new Database(env.databasePath)
  try {
    sqlite.pragma('journal_mode = WAL')
  } finally {
    sqlite.close()
  }
}
