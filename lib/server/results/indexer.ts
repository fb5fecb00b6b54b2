import 'server-only'
import { existsSync } from 'node:fs'
import { isMainThread } from 'node:worker_threads'
import Database, { type Statement } from 'better-sqlite3'
import type pg from 'pg'
import { isTerminal } from '@/lib/batch'
import { promptOf, resultOf, type ResultFacts } from '@/lib/results/extract'
import type { DatabaseKind } from '@/lib/config/env'
import { db, dbKind, postgresPool } from '@/lib/server/db'
import { jsonArrayElements } from '@/lib/server/db/dialect'
import { Prisma } from '@/lib/server/db/generated/client'
import { env } from '@/lib/server/env'
import { logger } from '@/lib/server/log'
import { AppError, notFound } from '@/lib/server/http/errors'
import { pause } from '@/lib/server/retry'
import { fromStoragePath, resultPaths } from '@/lib/server/storage'
import { readLocatedLines, type LocatedLine } from '@/lib/workers/located-lines'
import { addToSearch, refreshSearchStatistics, updateSearchable } from './search'

/** What search and the table see of a prompt and a response; the drawer reads the whole line from the file. */
export const PROMPT_PREVIEW_CHARS = 2_000
export const RESPONSE_PREVIEW_CHARS = 4_000
/** Rows per INSERT (each row binds at most 16 values: SQLite allows 32,766) and statements per transaction. */
const ROWS_PER_STATEMENT = 500
/**
 * better-sqlite3 runs a transaction synchronously. On the thread that answers requests (the remote sync's builds, a
 * results page opened on a batch not indexed yet) a 2,000-row transaction held the event loop for ~80 ms in the soak,
 * so there each transaction is one statement, with requests let in between (decision 066); the engine thread keeps 4.
 */
const STATEMENTS_PER_TRANSACTION = dbKind === 'sqlite' && isMainThread ? 1 : 4

const buildingKey = (batchId: string) => `${batchId}:building`
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

export type Value = string | number | bigint | null
type Columns = readonly string[]

export const INPUT_COLUMNS = ['batchId', 'line', 'customId', 'status', 'inputOffset', 'inputLength', 'attemptAt', 'prompt', 'imageCount'] as const
export const RESULT_COLUMNS = [
  'batchId',
  'customId',
  'status',
  'sourceBatchId',
  'resultFileId',
  'resultOffset',
  'resultLength',
  'attemptAt',
  'statusCode',
  'errorCode',
  'errorMessage',
  'finishReason',
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'latencyMs',
  'response',
  'outputImageCount',
] as const
/** What a result (and a retry's result, when merged) brings to a row; never the row's own input side. */
const RESULT_SIDE = RESULT_COLUMNS.filter((column) => column !== 'batchId' && column !== 'customId')

const placeholders: Record<DatabaseKind, (index: number) => string> = { sqlite: () => '?', postgresql: (index) => `$${index + 1}` }

export function insertSql(columns: Columns, rows: number, conflict: string, table = '"ResultRow"'): string {
  const placeholder = placeholders[dbKind]
  const tuple = (row: number) => `(${columns.map((_, column) => placeholder(row * columns.length + column)).join(', ')})`
  return `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${Array.from({ length: rows }, (_, row) => tuple(row)).join(', ')} ${conflict}`
}

export const ON_INPUT_CONFLICT = 'ON CONFLICT ("batchId", "customId") DO NOTHING'
export const ON_RESULT_CONFLICT = `ON CONFLICT ("batchId", "customId") DO UPDATE SET ${RESULT_SIDE.map((c) => `"${c}" = excluded."${c}"`).join(', ')}`

export type Transaction = (statements: [sql: string, values: Value[]][]) => Promise<void>

/**
 * Collects rows and writes them as multi-row INSERTs (each row binds at most 17 values: SQLite allows 32,766 and
 * PostgreSQL 65,535 per statement), several statements per transaction.
 */
class RowWriter {
  private rows: Value[][] = []
  constructor(
    private readonly sink: Pick<BuildSink, 'transaction' | 'table'>,
    private readonly columns: Columns,
    private readonly conflict: string,
  ) {}

  async add(row: Value[]) {
    this.rows.push(row)
    if (this.rows.length >= ROWS_PER_STATEMENT * STATEMENTS_PER_TRANSACTION) await this.flush()
  }

  async flush() {
    if (this.rows.length === 0) return
    const rows = this.rows
    this.rows = []
    const statements: [string, Value[]][] = []
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(start, start + ROWS_PER_STATEMENT)
      statements.push([insertSql(this.columns, chunk.length, this.conflict, this.sink.table), chunk.flat()])
    }
    await this.sink.transaction(statements)
  }
}

/** How long a write waits for another connection's write lock before it fails, as the app's own client does. */
const BUSY_WAIT_MS = 10_000

/**
 * Where a build writes its rows. On SQLite, a better-sqlite3 connection of the build's own: prepared once, bound
 * natively (Prisma's adapter doubled the time of a 50,000-line index); WAL lets the app's readers go on meanwhile, and
 * each transaction is short, so the engine's commits wait little. Its lock is never waited for inside SQLite: that
 * wait would block the event loop, and the holder may be the app's own client in the middle of an interactive
 * transaction that needs the event loop to end (the engine's commits are such), so a busy database is tried again
 * after a pause instead. On PostgreSQL, a client of the app's pool (postgresTransaction).
 */
export function openRowSink(): { transaction: Transaction; close: () => void } {
  if (postgresPool) return { transaction: postgresTransaction(postgresPool), close: () => {} }
  if (!env.databasePath) throw new Error('The results index needs a SQLite database path or a PostgreSQL pool')
  const sqlite = new Database(env.databasePath, { timeout: 0 })
  const prepared = new Map<string, Statement>()
  const prepare = (sql: string) => {
    let statement = prepared.get(sql)
    if (!statement) prepared.set(sql, (statement = sqlite.prepare(sql)))
    return statement
  }
  const write = sqlite.transaction((statements: [string, Value[]][]) => {
    for (const [sql, values] of statements) prepare(sql).run(...values)
  })
  return {
    async transaction(statements) {
      for (const started = Date.now(); ;) {
        try {
          // IMMEDIATE: the write lock is taken at BEGIN, so a busy database fails before any statement ran.
          write.immediate(statements)
          break
        } catch (error) {
          if (!isBusy(error) || Date.now() - started > BUSY_WAIT_MS) throw error
          await pause(5 + Math.random() * 20)
        }
      }
      // Let requests in between transactions: better-sqlite3 runs them synchronously.
      await new Promise((resolve) => setImmediate(resolve))
    },
    close: () => {
      if (sqlite.open) sqlite.close()
    },
  }
}

/**
 * PostgreSQL: one transaction on a client of the app's pool, past the Prisma client. Its query compiler took more of a
 * worker's CPU than the statements did (each binds up to 9,000 values); these statements are plain text with `$n`
 * parameters (insertSql) that pg sends as they are. Nothing else runs on that client meanwhile, so this is its own
 * transaction, as `db.$transaction([...])` was.
 */
function postgresTransaction(pool: pg.Pool): Transaction {
  return async (statements) => {
    const held = holdClient(await pool.connect())
    try {
      await held.run(statements)
    } finally {
      held.release()
    }
  }
}

/**
 * A client of the pool that runs transactions; one whose connection failed is dropped at release, not handed back.
 * Release is once: a build that fails after closing its sink closes it again on the way out, and pg-pool throws on a
 * second release.
 */
function holdClient(client: pg.PoolClient) {
  let broken = false
  let released = false
  return {
    async run(statements: [string, Value[]][]): Promise<pg.QueryResult[]> {
      try {
        return await inTransaction(client, statements)
      } catch (error) {
        broken ||= isBroken(error)
        throw error
      }
    },
    get broken() {
      return broken
    },
    release: () => {
      if (released) return
      released = true
      client.release(broken)
    },
  }
}

/** A marker set on an error when even the ROLLBACK after it failed: the connection is not fit for reuse. */
const BROKEN = Symbol('batchboard.brokenConnection')
const isBroken = (error: unknown) => typeof error === 'object' && error !== null && BROKEN in error

async function inTransaction(client: pg.PoolClient, statements: [string, Value[]][]): Promise<pg.QueryResult[]> {
  const results: pg.QueryResult[] = []
  try {
    await client.query('BEGIN')
    for (const [sql, values] of statements) results.push(await client.query(sql, values))
    await client.query('COMMIT')
    return results
  } catch (error) {
    const rolledBack = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    )
    if (!rolledBack && typeof error === 'object' && error !== null) Object.assign(error, { [BROKEN]: true })
    throw error
  }
}

/** Where a build writes its rows (`table`, under the building key), and how it swaps them in for the batch's rows. */
type BuildSink = {
  table: string
  /** Whether the rows are built apart from "ResultRow" (where the app's other connections do not see them). */
  staged: boolean
  transaction: Transaction
  /** Replaces the batch's rows with the built ones in one transaction; answers how many rows the batch has now. */
  swap: (batchId: string, key: string) => Promise<number>
  close: () => Promise<void>
}

/** Every column a build writes; the others keep their defaults, as on rows the input's INSERT created. */
const BUILT_COLUMNS = [...new Set<string>([...INPUT_COLUMNS, ...RESULT_COLUMNS])].filter((column) => column !== 'batchId')

/**
 * On PostgreSQL, a batch with no retries to merge is built in a temporary table of one connection and copied into
 * "ResultRow" once, at the swap. Built in "ResultRow" itself, each row was written three times (the input's INSERT,
 * the result's upsert, the swap's UPDATE of "batchId"), each time into every one of its indexes: PostgreSQL's CPU was
 * most of a 50,000-line build. A temporary table has no WAL and one index; its ids come from "ResultRow"'s sequence
 * in the same order as before (input lines, then results without one), and are copied with the rows.
 */
async function openStagedSink(pool: pg.Pool): Promise<BuildSink> {
  const held = holdClient(await pool.connect())
  const table = 'pg_temp."ResultRowBuild"'
  try {
    await held.run([
      [`DROP TABLE IF EXISTS ${table}`, []],
      [`CREATE TEMPORARY TABLE "ResultRowBuild" (LIKE "ResultRow" INCLUDING DEFAULTS)`, []],
      [`CREATE UNIQUE INDEX ON ${table} ("batchId", "customId")`, []],
    ])
  } catch (error) {
    held.release()
    throw error
  }
  const columns = BUILT_COLUMNS.map((column) => `"${column}"`).join(', ')
  return {
    table,
    staged: true,
    transaction: async (statements) => void (await held.run(statements)),
    async swap(batchId, key) {
      const [, inserted] = await held.run([
        ['DELETE FROM "ResultRow" WHERE "batchId" = $1', [batchId]],
        [`INSERT INTO "ResultRow" ("id", "batchId", ${columns}) SELECT "id", $1, ${columns} FROM ${table} WHERE "batchId" = $2`, [batchId, key]],
      ])
      return inserted?.rowCount ?? 0
    },
    async close() {
      if (!held.broken) await held.run([[`DROP TABLE IF EXISTS ${table}`, []]]).catch(() => {})
      held.release()
    },
  }
}

const isBusy = (error: unknown) => error instanceof Database.SqliteError && (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED')

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}

export type BatchForIndex = { id: string; createdAt: Date }

/** An input line as a row's INPUT_COLUMNS under `key`, with `status` until a result is joined to it. */
export function inputValues(key: string, batch: BatchForIndex, line: LocatedLine, status: 'missing' | 'pending'): Value[] {
  const prompt = promptOf(parse(line.text))
  // A line without a custom_id cannot be joined to a result; a validated file has none.
  const customId = prompt.customId ?? `line-${line.index + 1}`
  return [
    key,
    line.index + 1,
    customId,
    status,
    line.offset,
    line.length,
    batch.createdAt.getTime(),
    cut(prompt.text, PROMPT_PREVIEW_CHARS),
    prompt.images.length,
  ]
}

/** SQLite: the build writes into "ResultRow" under the building key; the swap renames the key and fills the search table. */
function inPlaceSink(): BuildSink {
  const rows = openRowSink()
  return {
    table: '"ResultRow"',
    transaction: rows.transaction,
    staged: false,
    async swap(batchId, key) {
      // Readers see the old rows or the new ones, never a mix.
      const swapped = await db.$transaction([
        db.$executeRaw`DELETE FROM "ResultRow" WHERE "batchId" = ${batchId}`,
        db.$executeRaw`UPDATE "ResultRow" SET "batchId" = ${batchId} WHERE "batchId" = ${key}`,
        ...addToSearch(batchId),
        db.resultRow.count({ where: { batchId } }),
      ])
      return swapped.at(-1) ?? 0
    },
    close: async () => rows.close(),
  }
}

async function indexInput(sink: BuildSink, key: string, batch: BatchForIndex, inputPath: string) {
  const writer = new RowWriter(sink, INPUT_COLUMNS, ON_INPUT_CONFLICT)
  for await (const line of readLocatedLines(inputPath)) await writer.add(inputValues(key, batch, line, 'missing'))
  await writer.flush()
}

/** The built-in engine's `[custom_id, ms]` timings of a batch, the last per custom_id; empty for other batches. */
async function readTimings(batchId: string): Promise<Map<string, number>> {
  const timings = new Map<string, number>()
  if (!existsSync(resultPaths(batchId).timings)) return timings
  for await (const line of readLocatedLines(resultPaths(batchId).timings)) {
    const entry = parse(line.text)
    if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number') timings.set(entry[0], entry[1])
  }
  return timings
}

/** What reading a result file learnt besides its rows. */
type ResultFileTally = { unreadable: number; succeeded: number; simulated: number }

/** A result line as a row's RESULT_COLUMNS under `key`, with what it says; null when it is not JSON with a custom_id. */
export function resultRow(
  key: string,
  batch: BatchForIndex,
  fileId: string,
  line: { text: string; offset: number; length: number },
  latencyMs: (customId: string) => number | null,
): { values: Value[]; result: ResultFacts } | null {
  const parsed = parse(line.text)
  const result = resultOf(parsed)
  if (parsed === null || result.customId === null) return null
  const values = [
    key,
    result.customId,
    result.status,
    batch.id,
    fileId,
    line.offset,
    line.length,
    batch.createdAt.getTime(),
    result.statusCode,
    result.errorCode,
    result.errorMessage === null ? null : cut(result.errorMessage, PROMPT_PREVIEW_CHARS),
    result.finishReason,
    result.inputTokens,
    result.outputTokens,
    result.totalTokens,
    latencyMs(result.customId),
    cut(result.text, RESPONSE_PREVIEW_CHARS),
    result.outputImageCount,
  ]
  return { values, result }
}

async function indexResults(
  sink: BuildSink,
  key: string,
  batch: BatchForIndex,
  file: { id: string; path: string },
  timings: Map<string, number>,
  tally: ResultFileTally,
) {
  const writer = new RowWriter(sink, RESULT_COLUMNS, ON_RESULT_CONFLICT)
  const latency = (customId: string) => timings.get(customId) ?? null
  for await (const line of readLocatedLines(file.path)) {
    const row = resultRow(key, batch, file.id, line, latency)
    if (!row) {
      tally.unreadable++
      continue
    }
    if (row.result.status === 'succeeded') tally.succeeded++
    if (row.result.simulated) tally.simulated++
    await writer.add(row.values)
  }
  await writer.flush()
}

/**
 * Folds a retry's rows (already the merged view of its own retries) into `targetKey`'s rows: the latest success for
 * each custom_id wins, and where nothing succeeded, the latest attempt. A retry's "missing" row is no attempt.
 */
async function mergeRetry(targetKey: string, childId: string, searchable: boolean) {
  const winners = await db.$queryRaw<{ id: number | bigint; childRowId: number | bigint }[]>`
    SELECT t."id", c."id" AS "childRowId" FROM "ResultRow" AS t JOIN "ResultRow" AS c ON c."batchId" = ${childId} AND c."customId" = t."customId"
    WHERE t."batchId" = ${targetKey}
      AND ((c."status" = 'succeeded' AND (t."status" <> 'succeeded' OR c."attemptAt" > t."attemptAt"))
        OR (c."status" NOT IN ('succeeded', 'missing') AND t."status" <> 'succeeded' AND c."attemptAt" > t."attemptAt"))`
  if (winners.length === 0) return
  const pairs = JSON.stringify(winners.map((row) => [Number(row.id), Number(row.childRowId)]))
  const set = Prisma.raw(RESULT_SIDE.map((column) => `"${column}" = c."${column}"`).join(', '))
  const update = db.$executeRaw`UPDATE "ResultRow" AS t SET ${set}
     FROM (SELECT CAST(p."value" ->> 0 AS INTEGER) AS "targetId", CAST(p."value" ->> 1 AS INTEGER) AS "childRowId" FROM ${jsonArrayElements(pairs, 'p')}) AS w
     JOIN "ResultRow" AS c ON c."id" = w."childRowId"
     WHERE t."id" = w."targetId"`
  if (!searchable) return void (await update)
  await updateSearchable({ ids: winners.map((row) => Number(row.id)) }, update)
}

async function readyChildren(batchId: string) {
  return db.batch.findMany({
    where: { parentBatchId: batchId, resultIndex: { state: 'ready' } },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
  })
}

/** After a batch's rows change, every indexed ancestor takes them in, nearest first. */
async function propagateUp(batchId: string, parentId: string | null) {
  const seen = new Set([batchId])
  let childId = batchId
  let currentParent = parentId
  while (currentParent && !seen.has(currentParent)) {
    seen.add(currentParent)
    const parent = await db.batch.findUnique({
      where: { id: currentParent },
      select: { id: true, parentBatchId: true, resultIndex: { select: { state: true } } },
    })
    if (!parent || parent.resultIndex?.state !== 'ready') return
    await mergeRetry(parent.id, childId, true)
    childId = parent.id
    currentParent = parent.parentBatchId
  }
}

export type IndexOutcome = { state: 'ready' | 'failed'; rowCount: number; message: string | null }

async function fail(batchId: string, message: string): Promise<IndexOutcome> {
  await db.resultIndex.upsert({ where: { batchId }, create: { batchId, state: 'failed', message }, update: { state: 'failed', message } })
  return { state: 'failed', rowCount: 0, message }
}

async function build(batchId: string): Promise<IndexOutcome> {
  const batch = await db.batch.findUnique({
    where: { id: batchId },
    include: { inputFile: true, outputFile: true, errorFile: true, resultIndex: { select: { state: true } } },
  })
  if (!batch) throw notFound('batch', batchId)
  if (!isTerminal(batch.status)) {
    throw new AppError(409, 'batch_active', `This batch is still ${batch.status.replace('_', ' ')}; its results can be explored when it ends.`, {
      param: 'batchId',
    })
  }
  if (!batch.inputFile?.storagePath)
    return fail(batchId, 'The input file is not in Batchboard (deleted, or only on the provider), so results cannot be joined to their prompts.')
  const pending = [
    [batch.remoteOutputFileId, batch.outputFile],
    [batch.remoteErrorFileId, batch.errorFile],
  ] as const
  if (pending.some(([remoteId, file]) => remoteId && !file?.storagePath)) {
    return fail(batchId, 'The result files are still on the provider; they are indexed once they are downloaded.')
  }
  // The rows listed while the engine ran stay listed (as partial) until the swap replaces them.
  const state = batch.resultIndex?.state === 'live' ? 'live' : 'indexing'
  await db.resultIndex.upsert({
    where: { batchId },
    create: { batchId, state, inputFileId: batch.inputFile.id },
    update: { state, message: null, inputFileId: batch.inputFile.id },
  })
  const key = buildingKey(batchId)
  await db.$executeRaw`DELETE FROM "ResultRow" WHERE "batchId" = ${key}`
  const sink = postgresPool ? await openStagedSink(postgresPool) : inPlaceSink()
  try {
    await indexInput(sink, key, batch, fromStoragePath(batch.inputFile.storagePath))
    const tally: ResultFileTally = { unreadable: 0, succeeded: 0, simulated: 0 }
    const timings = await readTimings(batchId)
    for (const file of [batch.outputFile, batch.errorFile]) {
      if (file?.storagePath) await indexResults(sink, key, batch, { id: file.id, path: fromStoragePath(file.storagePath) }, timings, tally)
    }
    const { unreadable } = tally
    const message = unreadable > 0 ? `${unreadable} result ${unreadable === 1 ? 'line was' : 'lines were'} not JSON with a custom_id and are not listed.` : null
    let rowCount: number
    if (!sink.staged) {
      for (const child of await readyChildren(batchId)) await mergeRetry(key, child.id, false)
      rowCount = await sink.swap(batchId, key)
    } else {
      // Staged rows are out of the app's other connections' sight: retries are merged once they are swapped in,
      // while the index is still not ready.
      rowCount = await sink.swap(batchId, key)
      for (const child of await readyChildren(batchId)) await mergeRetry(batchId, child.id, true)
    }
    await sink.close()
    // Before the index is marked ready, so that its first searches are planned on statistics that know its rows.
    await refreshSearchStatistics(rowCount).catch((error: unknown) => logger.warn({ err: error, batchId }, 'Refreshing the results statistics failed.'))
    await db.resultIndex.update({ where: { batchId }, data: { state: 'ready', message, rowCount, indexedAt: new Date() } })
    // Another Batchboard's simulator answered every line (its output says so): costed as free, like the engine's own.
    const simulated = tally.succeeded > 0 && tally.simulated === tally.succeeded
    if (simulated !== batch.simulated) await db.batch.update({ where: { id: batchId }, data: { simulated } })
    await propagateUp(batchId, batch.parentBatchId)
    return { state: 'ready', rowCount, message }
  } catch (error) {
    await sink.close()
    await db.$executeRaw`DELETE FROM "ResultRow" WHERE "batchId" = ${key}`.catch(() => {})
    // Deleted while its index was built (its rows and index went with it): nothing is left to index or to report.
    if (!(await db.batch.count({ where: { id: batchId } })))
      return { state: 'failed', rowCount: 0, message: 'The batch was deleted while its results were indexed.' }
    await fail(batchId, 'Indexing the results failed; the details are in the server log. Open the page again to retry.').catch(() => {})
    throw error
  }
}

// One build per batch per process: the engine's finalize step and a page opened at the same moment share it.
const running = new Map<string, Promise<IndexOutcome>>()

/**
 * Indexes a terminal batch's input, output and error files into the results tables (replacing any earlier index of
 * it), merges its indexed retries in, and refreshes the merged view of its ancestors. Call it whenever a batch's
 * result files have landed locally: the engine does at finalize, remote sync does after downloading them.
 */
export function indexBatchResults(batchId: string): Promise<IndexOutcome> {
  const existing = running.get(batchId)
  if (existing) return existing
  const promise = build(batchId).finally(() => running.delete(batchId))
  running.set(batchId, promise)
  return promise
}

/** Whether this process is building the batch's index right now. */
export const isIndexing = (batchId: string) => running.has(batchId)

/**
 * Takes a job part's results into the job's rows (batchId = the job's id): each line of the part gets its latest
 * attempt (the part batch's row: a result, or "missing"), its prompt preview, and one more attempt counted. The
 * part's batch must be indexed first. Full-text entries leave with the old text and come back with the new, in the
 * same transaction.
 */
export async function foldPartIntoJob(jobId: string, partBatchId: string, partId: string): Promise<number> {
  const set = Prisma.raw([...RESULT_SIDE, 'prompt', 'imageCount'].map((column) => `"${column}" = c."${column}"`).join(', '))
  return updateSearchable(
    { jobId, partId },
    db.$executeRaw`UPDATE "ResultRow" AS t SET ${set}, "attempts" = t."attempts" + 1
       FROM "ResultRow" AS c WHERE c."batchId" = ${partBatchId} AND c."customId" = t."customId" AND t."batchId" = ${jobId} AND t."jobPartId" = ${partId}`,
  )
}
