import 'server-only'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { PrismaClient } from './generated-postgresql/client'

/**
 * The process's connection pool, shared by the Prisma client and the prepared status reads (lib/server/db/prepared.ts),
 * so those add no connections. `allowExitOnIdle`: Prisma's `$disconnect` leaves a pool it was given open, and idle
 * clients must not keep a finished script or thread alive (https://node-postgres.com/apis/pool).
 */
export function createPostgresPool(connectionString: string) {
  return new pg.Pool({ connectionString, allowExitOnIdle: true })
}

export function createPostgresClient(pool: pg.Pool) {
  // Prisma runs a batch `$transaction([...])` on a driver adapter as an interactive transaction, closed after 5 s by
  // default. Swapping in a 50,000-row results index is one such transaction, and SQLite has no such limit.
  return new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: { maxWait: 10_000, timeout: 120_000 } })
}
