import 'server-only'
import { logger } from '@/lib/server/log'
import { isTerminal } from '@/lib/batch'
import { BUILTIN_CONNECTION_ID } from '@/lib/constants'
import type { ExportRow } from '@/lib/results/export-format'
import { parseResultStatus, RESULT_STATUSES } from '@/lib/results/extract'
import { isListable } from '@/lib/results/index-state'
import type { ResultFacets, ResultIndexState, ResultPage, ResultRowDetail, ResultRowSummary } from '@/lib/types'
import type { ResultFilters, ResultPageQuery, ResultSort } from '@/lib/validations/results'
import { db, dbKind } from '@/lib/server/db'
import { Prisma } from '@/lib/server/db/generated/client'
import { AppError, notFound } from '@/lib/server/http/errors'
import { fromStoragePath } from '@/lib/server/storage'
import { indexBatchResults, isIndexing } from './indexer'
import { readLineAt } from '@/lib/workers/offset-reader'
import { liveFilePaths } from './live'
import { searchCondition } from './search'

export const ROW_COLUMNS =
  Prisma.raw(`r."id", r."line", r."customId", r."status", r."statusCode", r."errorCode", r."errorMessage", r."finishReason", r."inputTokens",
  r."outputTokens", r."totalTokens", r."latencyMs", r."prompt", r."response", r."imageCount", r."outputImageCount", r."sourceBatchId", r."inputOffset", r."inputLength", r."resultFileId",
  r."resultOffset", r."resultLength"`)

/** A row as the table and the row drawer read it: what an export reads (ExportRow), and the table's own columns. */
export type RawRow = ExportRow & {
  id: number | bigint
  latencyMs: number | bigint | null
  prompt: string | null
  response: string | null
  imageCount: number | bigint
  outputImageCount: number | bigint
}

const n = (value: number | bigint | null) => (value === null ? null : Number(value))

export function toRowSummary(row: RawRow): ResultRowSummary {
  return {
    line: n(row.line),
    customId: row.customId,
    status: parseResultStatus(row.status),
    statusCode: n(row.statusCode),
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    finishReason: row.finishReason,
    inputTokens: n(row.inputTokens),
    outputTokens: n(row.outputTokens),
    totalTokens: n(row.totalTokens),
    latencyMs: n(row.latencyMs),
    prompt: row.prompt,
    response: row.response,
    imageCount: Number(row.imageCount),
    outputImageCount: Number(row.outputImageCount),
    sourceBatchId: row.sourceBatchId,
  }
}

/** The WHERE clause of a filtered view of one batch's rows. */
export function filterSql(batchId: string, filters: ResultFilters): Prisma.Sql {
  const conditions = [Prisma.sql`r."batchId" = ${batchId}`]
  if (filters.status && filters.status.length > 0) conditions.push(Prisma.sql`r."status" IN (${Prisma.join(filters.status)})`)
  if (filters.errorCode) conditions.push(Prisma.sql`r."errorCode" = ${filters.errorCode}`)
  if (filters.q) {
    // An exact custom_id, or the words in the prompt or response.
    const search = searchCondition(filters.q)
    conditions.push(search ? Prisma.sql`(r."customId" = ${filters.q} OR ${search})` : Prisma.sql`r."customId" = ${filters.q}`)
  }
  return Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}`
}

/** Each sort walks one index of (batchId, column, line, id); the row id breaks ties. */
const ORDER: Record<ResultSort, string[]> = {
  line: ['r."line"'],
  status: ['r."status"', 'r."line"'],
  tokens: ['r."totalTokens"', 'r."line"'],
}

/** The sort columns that can be NULL: a result whose custom_id is not in the input has no line, a failed one no tokens. */
const NULLABLE = new Set(['r."line"', 'r."totalTokens"'])

// SQLite sorts NULL first and PostgreSQL last, ascending; a line-less row and a row without tokens sort as SQLite has
// always shown them. Only the nullable columns say so: the PostgreSQL indexes that serve these orders
// (prisma/postgresql/migrations/20261205180000_search_indexes) have the same NULLS FIRST, and a NULLS clause on a NOT
// NULL column would no longer match them.
const nulls = (column: string, order: 'asc' | 'desc') =>
  dbKind === 'postgresql' && NULLABLE.has(column) ? (order === 'asc' ? ' NULLS FIRST' : ' NULLS LAST') : ''

export const orderSql = (sort: ResultSort, order: 'asc' | 'desc') =>
  Prisma.raw(`ORDER BY ${[...ORDER[sort], 'r."id"'].map((column) => `${column} ${order === 'desc' ? 'DESC' : 'ASC'}${nulls(column, order)}`).join(', ')}`)

const STALE_INDEXING_MS = 120_000

/** `ended`: a live index whose batch has ended (its final index is being built). */
type IndexInfo = { state: ResultIndexState; message: string | null; rowCount: number; ended?: boolean }

/**
 * Where the batch's index stands. A running engine batch lists what its live index holds so far. A terminal batch
 * never indexed (or whose build died with its process) starts indexing now, in the background: the page shows
 * "indexing" (or the live rows, until the final index replaces them) and polls.
 */
async function indexInfo(batchId: string): Promise<IndexInfo> {
  if (isJobId(batchId)) return jobIndexInfo(batchId)
  const batch = await db.batch.findUnique({ where: { id: batchId }, select: { status: true, connectionId: true, resultIndex: true } })
  if (!batch) throw notFound('batch', batchId)
  const index = batch.resultIndex
  if (index?.state === 'ready' || index?.state === 'failed') return { state: index.state, message: index.message, rowCount: index.rowCount }
  if (!isTerminal(batch.status)) {
    if (index?.state === 'live') return liveIndexInfo(batchId, false)
    // The engine is writing the input's rows of its live index.
    if (index?.state === 'indexing') return { state: 'indexing', message: null, rowCount: 0 }
    const message =
      batch.connectionId === BUILTIN_CONNECTION_ID
        ? 'Results are listed here as soon as the engine starts running the batch.'
        : 'The provider gives a batch’s results only when it ends; they are listed here then.'
    return { state: 'not_indexed', message, rowCount: 0 }
  }
  // Another process (a worker's engine) may be building it: give that build a while before starting one here.
  const busyElsewhere = (index?.state === 'indexing' || index?.state === 'live') && Date.now() - index.updatedAt.getTime() < STALE_INDEXING_MS
  if (!isIndexing(batchId) && !busyElsewhere)
    void indexBatchResults(batchId).catch((error: unknown) => logger.error({ err: error, batchId }, 'Indexing the results failed.'))
  return index?.state === 'live' ? liveIndexInfo(batchId, true) : { state: 'indexing', message: null, rowCount: 0 }
}

/** A live index: its rows (one per input line) and how many of them have their result yet. */
async function liveIndexInfo(batchId: string, ended: boolean): Promise<IndexInfo> {
  const [counts] = await db.$queryRaw<{ rows: number | bigint; pending: number | bigint | null }[]>`
    SELECT COUNT(*) AS "rows", SUM(CASE WHEN "status" = 'pending' THEN 1 ELSE 0 END) AS "pending" FROM "ResultRow" WHERE "batchId" = ${batchId}`
  const rowCount = Number(counts?.rows ?? 0)
  return { state: 'live', message: liveMessage(rowCount, Number(counts?.pending ?? 0), ended), rowCount, ended }
}

function liveMessage(rowCount: number, pending: number, ended: boolean): string {
  const partial = `Partial: ${(rowCount - pending).toLocaleString('en-US')} of ${rowCount.toLocaleString('en-US')} lines`
  return ended ? `${partial}; the batch has ended and its final results are being indexed.` : `${partial} so far, updating.`
}

/** A job's rows are made as its input is split and filled in as its parts end: readable at any time. */
export const isJobId = (id: string) => id.startsWith('job_')

async function jobIndexInfo(jobId: string): Promise<IndexInfo> {
  const job = await db.job.findUnique({
    where: { id: jobId },
    select: { lineCount: true, linesSucceeded: true, linesFailed: true, endedAt: true, splitLines: true },
  })
  if (!job) throw notFound('job', jobId)
  const final = job.linesSucceeded + job.linesFailed
  const message = job.endedAt
    ? null
    : `Partial: ${final.toLocaleString('en-US')} of ${job.lineCount.toLocaleString('en-US')} lines have a final answer so far; the rest are pending.`
  return { state: 'ready', message, rowCount: job.splitLines }
}

/**
 * One page of rows. The page's ids are chosen first, so the walk to a deep offset (or the sort of many search hits)
 * carries only each row's id and sort columns; then the page's rows alone are read whole. Reading every skipped row
 * whole, prompt and response included, made deep pages on PostgreSQL ten times slower.
 */
export function pageRowsSql(where: Prisma.Sql, query: Pick<ResultPageQuery, 'sort' | 'order' | 'limit' | 'offset'>): Prisma.Sql {
  const order = orderSql(query.sort, query.order)
  return Prisma.sql`SELECT ${ROW_COLUMNS} FROM "ResultRow" AS r WHERE r."id" IN (
    SELECT r."id" FROM "ResultRow" AS r ${where} ${order} LIMIT ${query.limit} OFFSET ${query.offset}) ${order}`
}

export async function listResultPage(batchId: string, query: ResultPageQuery): Promise<ResultPage> {
  const info = await indexInfo(batchId)
  if (!isListable(info.state)) return { index: { state: info.state, message: info.message }, data: [], total: 0, nextOffset: null }
  const where = filterSql(batchId, query)
  const [rows, counted] = await Promise.all([
    db.$queryRaw<RawRow[]>(pageRowsSql(where, query)),
    db.$queryRaw<{ n: number | bigint }[]>(Prisma.sql`SELECT COUNT(*) AS "n" FROM "ResultRow" AS r ${where}`),
  ])
  const total = Number(counted[0]?.n ?? 0)
  const next = query.offset + rows.length
  return { index: { state: info.state, message: info.message }, data: rows.map(toRowSummary), total, nextOffset: next < total ? next : null }
}

async function countRetries(batchId: string): Promise<number> {
  const rows = await db.$queryRaw<{ n: number | bigint }[]>`
    WITH RECURSIVE chain(id) AS (SELECT "id" FROM "Batch" WHERE "parentBatchId" = ${batchId}
      UNION SELECT b."id" FROM "Batch" AS b JOIN chain ON b."parentBatchId" = chain.id)
    SELECT COUNT(*) AS "n" FROM chain`
  return Number(rows[0]?.n ?? 0)
}

export async function getResultFacets(batchId: string): Promise<ResultFacets> {
  const info = await indexInfo(batchId)
  const retryCount = await countRetries(batchId)
  const { ended, ...shown } = info
  if (!isListable(info.state)) return { index: shown, statuses: [], errorCodes: [], retryCount }
  const [statuses, codes] = await Promise.all([
    db.$queryRaw<{ status: string; n: number | bigint }[]>`SELECT "status", COUNT(*) AS "n" FROM "ResultRow" WHERE "batchId" = ${batchId} GROUP BY "status"`,
    db.$queryRaw<{ code: string; n: number | bigint }[]>`
      SELECT "errorCode" AS "code", COUNT(*) AS "n" FROM "ResultRow" WHERE "batchId" = ${batchId} AND "errorCode" IS NOT NULL
      GROUP BY "errorCode" ORDER BY COUNT(*) DESC, "errorCode" LIMIT 50`,
  ])
  const byStatus = new Map(statuses.map((row) => [row.status, Number(row.n)]))
  // Live rows change between the two reads: the message says what the counts beside it say.
  const index = info.state === 'live' ? { ...shown, message: liveMessage(info.rowCount, byStatus.get('pending') ?? 0, ended === true) } : shown
  return {
    index,
    // Only a job's rows and a live index's wait for an answer; a batch's are all final once indexed.
    statuses: RESULT_STATUSES.filter((status) => status !== 'pending' || isJobId(batchId) || info.state === 'live').map((status) => ({
      status,
      count: byStatus.get(status) ?? 0,
    })),
    errorCodes: codes.map((row) => ({ code: row.code, count: Number(row.n) })),
    retryCount,
  }
}

export async function findResultRow(batchId: string, customId: string): Promise<RawRow> {
  const [row] = await db.$queryRaw<RawRow[]>(
    Prisma.sql`SELECT ${ROW_COLUMNS} FROM "ResultRow" AS r WHERE r."batchId" = ${batchId} AND r."customId" = ${customId}`,
  )
  if (!row)
    throw new AppError(404, 'not_found', `No result with custom_id '${customId}' in batch ${batchId}. The index may have been rebuilt; reload the page.`, {
      param: 'customId',
    })
  return row
}

/** Absolute paths of the files a batch's rows point into: its input file and every result file of its chain. */
export async function filePaths(batchId: string, fileIds: Iterable<string>): Promise<{ input: string | null; results: Map<string, string> }> {
  const index = isJobId(batchId)
    ? await db.job.findUnique({ where: { id: batchId }, select: { inputFileId: true } })
    : await db.resultIndex.findUnique({ where: { batchId }, select: { inputFileId: true } })
  const live = isJobId(batchId) ? new Map<string, string>() : liveFilePaths(batchId)
  const ids = [...new Set(fileIds)].filter((id) => !live.has(id))
  const files = await db.file.findMany({
    where: { id: { in: [...ids, ...(index?.inputFileId ? [index.inputFileId] : [])] } },
    select: { id: true, storagePath: true },
  })
  const path = new Map(files.flatMap((file) => (file.storagePath ? [[file.id, fromStoragePath(file.storagePath)] as const] : [])))
  // A live index's rows point into the engine's result files by stand-in id (LIVE_FILE_IDS).
  for (const [id, livePath] of live) path.set(id, livePath)
  return { input: index?.inputFileId ? (path.get(index.inputFileId) ?? null) : null, results: path }
}

const readOrNull = (path: string | null | undefined, offset: number | bigint | null, length: number | bigint | null) =>
  path && offset !== null && length !== null ? readLineAt(path, Number(offset), Number(length)).catch(() => null) : Promise.resolve(null)

/** One row with its request line and result line, read by byte offset from the files. */
export async function getResultRow(batchId: string, customId: string): Promise<ResultRowDetail> {
  const row = await findResultRow(batchId, customId)
  const paths = await filePaths(batchId, row.resultFileId ? [row.resultFileId] : [])
  const [inputLine, resultLine] = await Promise.all([
    readOrNull(paths.input, row.inputOffset, row.inputLength),
    readOrNull(row.resultFileId ? paths.results.get(row.resultFileId) : null, row.resultOffset, row.resultLength),
  ])
  return { row: toRowSummary(row), inputLine, resultLine }
}
