import 'server-only'
import { logger } from '@/lib/server/log'
import type { Health } from '@/lib/types'
import { isSyncRunning } from '@/lib/server/connections/sync'
import { db, dbKind } from '@/lib/server/db'
import { isEngineRunning } from '@/lib/server/engine/start'
import { AppError } from '@/lib/server/http/errors'
import packageJson from '@/package.json'

export async function checkHealth(): Promise<Health> {
  try {
    await db.$queryRaw`SELECT 1`
  } catch (error) {
    logger.error({ err: error }, 'Health check: the database cannot be reached.')
    throw new AppError(503, 'database_unavailable', 'The database cannot be reached. Check DATA_DIR / DATABASE_URL and the server log.')
  }
  // With several servers and workers on one database, this says which of them runs the engine and the sync.
  return { status: 'ok', database: 'ok', databaseKind: dbKind, engine: isEngineRunning(), sync: isSyncRunning(), version: packageJson.version }
}
