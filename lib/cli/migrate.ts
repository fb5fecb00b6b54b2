import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { Env } from '@/lib/config/env'
import { bin, projectRoot } from './run'

const LOCK_ATTEMPTS = 6
const isLockTimeout = (result: { stdout: string; stderr: string }) =>
  /P1002/.test(result.stdout + result.stderr) && /advisory lock/.test(result.stdout + result.stderr)

/**
 * Creates the data dir (and the SQLite database) if needed and applies every committed migration of the database
 * DATABASE_URL names: prisma.config.ts picks the PostgreSQL schema and migrations for a postgresql:// URL.
 */
export function migrateDatabase(env: Env) {
  mkdirSync(env.dataDir, { recursive: true })
  if (env.databasePath) mkdirSync(path.dirname(env.databasePath), { recursive: true })
  const deploy = () =>
    spawnSync(bin('prisma'), ['migrate', 'deploy'], {
      cwd: projectRoot,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: env.databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
    })
  let result = deploy()
  // On PostgreSQL, migrate deploy holds an advisory lock and gives up after waiting 10 s for it (P1002,
  // https://pris.ly/d/migrate-advisory-locking): servers and workers started together on a slow machine can queue
  // longer than that. The lock only says another process is migrating, so wait for it again rather than fail.
  for (let attempt = 1; attempt < LOCK_ATTEMPTS && result.status !== 0 && isLockTimeout(result); attempt++) result = deploy()
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
