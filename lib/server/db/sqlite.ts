import 'server-only'
import { setTimeout as sleep } from 'node:timers/promises'
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaClient } from './generated/client'

type Adapter = Awaited<ReturnType<PrismaBetterSQLite3['connect']>>
type Transaction = Awaited<ReturnType<Adapter['startTransaction']>>
type Statement = { run(): unknown }
/** What the adapter keeps of its better-sqlite3 connection, and its error conversion (both public members of its class). */
type AdapterInternals = { client: { prepare(sql: string): Statement; pragma(source: string): unknown }; onError(error: unknown): never }

/** How long a write waits in all for another connection's write lock before it fails, as better-sqlite3's timeout did. */
const BUSY_TIMEOUT_MS = 10_000
/** How long one try may block the thread: SQLite's busy handler sleeps inside the call, holding the event loop. */
const BLOCKING_BUSY_MS = 2
/** Waits between tries (the last repeats), about SQLite's own busy handler's steps. */
const BUSY_RETRY_MS = [1, 2, 5, 10, 15, 20, 25]

/** SQLITE_BUSY and its extended codes, raw from better-sqlite3 or as the adapter's error carries them. */
function isBusy(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = 'code' in error ? error.code : (error.cause as { originalCode?: unknown } | undefined)?.originalCode
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY')
}

/**
 * Tries until the database is not locked by another connection, waiting between tries without holding the thread.
 * It gives up once the waits add up to BUSY_TIMEOUT_MS, counted as SQLite's busy handler counts them (the waits asked
 * for, not the clock): on a loaded machine a timer fires late, and the lock's holder may itself be waiting for a core.
 */
async function whenNotBusy<T>(attempt: () => T | Promise<T>): Promise<T> {
  let waited = 0
  for (let tries = 0; ; tries++) {
    try {
      return await attempt()
    } catch (error) {
      if (!isBusy(error) || waited >= BUSY_TIMEOUT_MS) throw error
      const wait = BUSY_RETRY_MS[Math.min(tries, BUSY_RETRY_MS.length - 1)]!
      waited += wait
      await sleep(wait)
    }
  }
}

/** One at a time, in call order: the returned promise gives the caller its release. */
function queue(): () => Promise<() => void> {
  let tail: Promise<void> = Promise.resolve()
  return () => {
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const turn = tail.then(() => release)
    tail = tail.then(() => released)
    return turn
  }
}

/**
 * Two changes to the adapter's connection:
 * - Transactions start with `BEGIN IMMEDIATE`, not the adapter's deferred `BEGIN`. It runs any query issued meanwhile
 *   on the same connection inside the open transaction, and a transaction that has read and then writes after another
 *   process (an engine worker, the results indexer) committed gets SQLITE_BUSY at once: SQLite cannot upgrade a stale
 *   snapshot, and the busy timeout does not apply. Taking the write lock first makes a busy database delay a
 *   transaction instead of failing it.
 * - Waiting for another connection's write lock does not hold the event loop. better-sqlite3 is synchronous: with its
 *   10 s busy timeout, SQLite's busy handler slept inside the call, and the thread that answers requests stood still
 *   for as long as an engine thread or worker held the lock (in the soak, inserting an upload's File row took up to
 *   365 ms). Now one try blocks for at most BLOCKING_BUSY_MS, and the waits between tries are timers, up to
 *   BUSY_TIMEOUT_MS in all as before (docs/decisions/063-request-thread-latency.md).
 */
class ImmediateTransactions extends PrismaBetterSQLite3 {
  override async connect(): Promise<Adapter> {
    const adapter = await super.connect()
    const internals = adapter as unknown as AdapterInternals
    const connection = internals.client
    connection.pragma(`busy_timeout = ${BLOCKING_BUSY_MS}`)
    const prepare = connection.prepare.bind(connection)
    // startTransaction below has begun already when the adapter asks for its `BEGIN`.
    let begun = false
    const alreadyBegun: Statement = { run: () => undefined }
    connection.prepare = (sql: string) => {
      if (sql !== 'BEGIN') return prepare(sql)
      if (!begun) return prepare('BEGIN IMMEDIATE')
      begun = false
      return alreadyBegun
    }

    // A query outside a transaction is one statement in its own: tried again whole while another connection writes.
    const queryRaw = adapter.queryRaw.bind(adapter)
    const executeRaw = adapter.executeRaw.bind(adapter)
    adapter.queryRaw = (query) => whenNotBusy(() => queryRaw(query))
    adapter.executeRaw = (query) => whenNotBusy(() => executeRaw(query))

    // The adapter runs one transaction at a time on its connection; this queue keeps that order while the write lock
    // is awaited here, before the adapter's own (then immediate) start.
    const turn = queue()
    const startTransaction = adapter.startTransaction.bind(adapter)
    adapter.startTransaction = async (isolationLevel) => {
      const release = await turn()
      try {
        await whenNotBusy(() => prepare('BEGIN IMMEDIATE').run())
      } catch (error) {
        release()
        internals.onError(error)
      }
      let transaction: Transaction
      try {
        begun = true
        transaction = await startTransaction(isolationLevel)
      } catch (error) {
        begun = false
        prepare('ROLLBACK').run()
        release()
        throw error
      }
      const commit = transaction.commit.bind(transaction)
      const rollback = transaction.rollback.bind(transaction)
      transaction.commit = () => commit().finally(release)
      transaction.rollback = () => rollback().finally(release)
      return transaction
    }
    return adapter
  }
}

export function createSqliteClient(url: string) {
  // With WAL (set by the migrate step) readers never block the single writer; writers wait as described above.
  // Prisma gives up on a transaction that has not started within maxWait (2 s by default), by the clock. Its timer
  // could not fire while the busy handler held the thread, so a transaction used to wait out the whole busy timeout;
  // twice that by the clock leaves it the same on a loaded machine, where the waits run late.
  return new PrismaClient({ adapter: new ImmediateTransactions({ url }), transactionOptions: { maxWait: 2 * BUSY_TIMEOUT_MS } })
}
