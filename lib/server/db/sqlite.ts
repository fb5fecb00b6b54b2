import 'server-only'
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaClient } from './generated/client'

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

export function createSqliteClient(url: string) {
  // better-sqlite3 waits up to `timeout` ms on a locked database instead of failing at once; with WAL
  // (set by the migrate step) readers never block the single writer.
  return new PrismaClient({ adapter: new ImmediateTransactions({ url, timeout: 10_000 }) })
}
