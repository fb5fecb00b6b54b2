import 'server-only'
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3'
import { env } from '@/lib/server/env'
import { PrismaClient } from './generated/client'

export type { Prisma } from './generated/client'

function createClient() {
  // better-sqlite3 waits up to `timeout` ms on a locked database instead of failing at once; with WAL
  // (set by the migrate step) readers never block the single writer.
  const adapter = new PrismaBetterSQLite3({ url: env.databaseUrl, timeout: 10_000 })
  return new PrismaClient({ adapter })
}

// One client per process: Next's dev server re-evaluates modules on every edit.
const globalForDb = globalThis as unknown as { batchboardDb?: PrismaClient }
export const db = globalForDb.batchboardDb ?? createClient()
if (process.env.NODE_ENV !== 'production') globalForDb.batchboardDb = db
