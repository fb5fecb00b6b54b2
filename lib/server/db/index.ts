import 'server-only'
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3'
import { parseBatchStatus, type BatchStatus } from '@/lib/batch/status'
import { env } from '@/lib/server/env'
import { PrismaClient, type Batch } from './generated/client'

export type { Prisma } from './generated/client'

/** A Batch row as the client returns it: the status column parsed (see createClient). */
export type BatchRow = Omit<Batch, 'status'> & { status: BatchStatus }

type Statements = { prepare(sql: string): unknown }

/**
 * The adapter opens transactions with a deferred `BEGIN`, and runs any query issued meanwhile on the same connection,
 * inside the open transaction. A transaction that has read and then writes after another process (an engine worker,
 * the results indexer) committed gets SQLITE_BUSY at once: SQLite cannot upgrade a stale snapshot, and the busy
 * timeout does not apply. `BEGIN IMMEDIATE` takes the write lock first, waiting through the busy timeout like any
 * other write, so a busy database delays a request instead of failing it.
 */
class ImmediateTransactions extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect()
    const client = (adapter as unknown as { client: Statements }).client
    const prepare = client.prepare.bind(client)
    client.prepare = (sql: string) => prepare(sql === 'BEGIN' ? 'BEGIN IMMEDIATE' : sql)
    return adapter
  }
}

function createClient() {
  // better-sqlite3 waits up to `timeout` ms on a locked database instead of failing at once; with WAL
  // (set by the migrate step) readers never block the single writer.
  const adapter = new ImmediateTransactions({ url: env.databaseUrl, timeout: 10_000 })
  // The status column is a string (SQLite has no enums); it is parsed here, once, so every Batch row read through
  // the client carries a BatchStatus (https://www.prisma.io/docs/orm/prisma-client/client-extensions/result).
  return new PrismaClient({ adapter }).$extends({
    result: { batch: { status: { needs: { status: true }, compute: (batch) => parseBatchStatus(batch.status) } } },
  })
}

type Db = ReturnType<typeof createClient>

// One client per process: Next's dev server re-evaluates modules on every edit.
const globalForDb = globalThis as unknown as { batchboardDb?: Db }
export const db = globalForDb.batchboardDb ?? createClient()
if (process.env.NODE_ENV !== 'production') globalForDb.batchboardDb = db
