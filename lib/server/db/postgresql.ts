import 'server-only'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { logger } from '@/lib/server/log'
import { PrismaClient } from './generated-postgresql/client'

/**
 * The process's connection pool, shared by the Prisma client and the prepared status reads (lib/server/db/prepared.ts),
 * so those add no connections. `allowExitOnIdle`: Prisma's `$disconnect` leaves a pool it was given open, and idle
 * clients must not keep a finished script or thread alive (https://node-postgres.com/apis/pool).
 */
export function createPostgresPool(connectionString: string) {
  const pool = new pg.Pool({ connectionString, allowExitOnIdle: true })
  // A connection PostgreSQL ends (a restart, a failover, pg_terminate_backend) emits 'error' on its client, idle or
  // lent out, and an 'error' nobody listens to ends the process. The query in flight fails by itself and the pool drops
  // the client (https://node-postgres.com/apis/pool#error); these listeners only keep the process up and say so.
  // Only the message: a pg error can carry its client (connection parameters, the cancel key).
  const lost = (error: Error) => logger.warn({ reason: error.message }, 'A PostgreSQL connection was lost; the pool opens another when needed.')
  pool.on('connect', (client) => client.on('error', lost))
  // An idle client's error reaches the pool as well (after the client's own listener has said so).
  pool.on('error', () => {})
  return pool
}

export function createPostgresClient(pool: pg.Pool) {
  // Prisma runs a batch `$transaction([...])` on a driver adapter as an interactive transaction, closed after 5 s by
  // default. Swapping in a 50,000-row results index is one such transaction, and SQLite has no such limit.
  return new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: { maxWait: 10_000, timeout: 120_000 } })
}
