// `npm run worker`: runs the built-in engine's scheduler and the remote-batch sync without the web server. Several
// workers (and servers) can run side by side: each builtin batch is leased by one process at a time, and each remote
// batch's next sync is claimed by one.
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { loadEnvConfig } from '@next/env'
import { EnvError, loadEnv, type Env } from '@/lib/config/env'
import { migrateDatabase } from './migrate'
import { log, projectRoot } from './run'

/**
 * Whether the database lacks a committed migration. A worker usually starts beside a running server, and
 * `prisma migrate deploy` cannot take its lock on SQLite while the server holds the database open; so migrate only when needed.
 */
function needsMigration(env: Env): boolean {
  // PostgreSQL's migrate deploy waits on an advisory lock instead of failing (migrate.ts waits again when that times out).
  if (!env.databasePath) return true
  if (!existsSync(env.databasePath)) return true
  const committed = readdirSync(path.join(projectRoot, 'prisma', 'migrations'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
  const sqlite = new Database(env.databasePath, { readonly: true })
  try {
    const applied = new Set(
      (sqlite.prepare('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL').all() as { migration_name: string }[]).map(
        (row) => row.migration_name,
      ),
    )
    return committed.some((name) => !applied.has(name))
  } catch {
    return true
  } finally {
    sqlite.close()
  }
}

async function main() {
  loadEnvConfig(projectRoot, false)
  try {
    const env = loadEnv(process.env)
    if (needsMigration(env)) migrateDatabase(env)
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message)
      process.exit(2)
    }
    throw error
  }
  // Loaded after the environment is known: these modules read it when first imported.
  const { startEngine } = await import('@/lib/server/engine/start')
  const { startSync } = await import('@/lib/server/connections/sync')
  const { startJobs } = await import('@/lib/server/jobs')
  const scheduler = await startEngine()
  const sync = startSync()
  const jobs = startJobs()
  log(`Engine worker ${scheduler.owner} is running builtin batches, syncing remote ones and moving jobs on. Stop it with Ctrl+C.`)
  let stopping = false
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1)
      stopping = true
      log('Stopping: finishing the lines in flight and handing the batches back…')
      void Promise.all([scheduler.stop(), sync.stop(), jobs.stop()]).then(() => process.exit(0))
    })
  }
  // The scheduler's timer is unref'd; this keeps the process alive until a signal.
  setInterval(() => {}, 1 << 30)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
