import 'server-only'
import { exportHeader, type ExportRow } from '@/lib/results/export-format'
import type { ResultExportQuery } from '@/lib/validations/results'
import { db } from '@/lib/server/db'
import { Prisma } from '@/lib/server/db/generated/client'
import { AppError, notFound } from '@/lib/server/http/errors'
import { runInWorker } from '@/lib/server/workers/pool'
import { filePaths, filterSql, isJobId } from './query'

const PAGE_ROWS = 1_000

// What the export reads of a row (ExportRow): not the table's prompt and response snippets, which would only be copied
// to the worker thread and back unread.
const EXPORT_COLUMNS = Prisma.raw(`r."line", r."customId", r."status", r."statusCode", r."errorCode", r."errorMessage", r."finishReason",
  r."inputTokens", r."outputTokens", r."totalTokens", r."sourceBatchId", r."inputOffset", r."inputLength", r."resultFileId", r."resultOffset",
  r."resultLength"`)

/**
 * The batch's rows (filtered like the table; with retries merged, the final results) as CSV or JSONL, streamed: one
 * page of rows at a time, each joined to its request and result lines read by byte offset. This thread only reads the
 * pages from the database; reading the lines and formatting them is a worker-pool task per page (issue 18).
 */
export async function exportResults(batchId: string, query: ResultExportQuery): Promise<Response> {
  if (isJobId(batchId)) {
    // A job's rows exist from the moment its input is split; an export of a running job has its pending lines too.
    if ((await db.job.count({ where: { id: batchId } })) === 0) throw notFound('job', batchId)
  } else {
    const batch = await db.batch.findUnique({ where: { id: batchId }, select: { id: true, resultIndex: { select: { state: true } } } })
    if (!batch) throw notFound('batch', batchId)
    if (batch.resultIndex?.state !== 'ready' && batch.resultIndex?.state !== 'live')
      throw new AppError(409, 'not_indexed', 'The results are not indexed yet. Open the results page, wait for the table, then export.', { param: 'batchId' })
  }
  const where = filterSql(batchId, query)
  const resultFileIds = await db.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT "resultFileId" AS "id" FROM "ResultRow" WHERE "batchId" = ${batchId} AND "resultFileId" IS NOT NULL`
  const paths = await filePaths(
    batchId,
    resultFileIds.map((row) => row.id),
  )
  const encoder = new TextEncoder()
  // Rows with a line number in line order (keyset on line), then results whose custom_id was not in the input.
  let afterLine = 0
  let phase: 'lines' | 'orphans' | 'done' = 'lines'
  let headerSent = false

  const nextPage = async (): Promise<ExportRow[]> => {
    if (phase === 'lines') {
      const rows = await db.$queryRaw<ExportRow[]>(
        Prisma.sql`SELECT ${EXPORT_COLUMNS} FROM "ResultRow" AS r ${where} AND r."line" > ${afterLine} ORDER BY r."line" LIMIT ${PAGE_ROWS}`,
      )
      const last = rows.at(-1)
      if (last) afterLine = Number(last.line)
      if (rows.length < PAGE_ROWS) phase = 'orphans'
      if (rows.length > 0) return rows
    }
    if (phase === 'orphans') {
      phase = 'done'
      return db.$queryRaw<ExportRow[]>(Prisma.sql`SELECT ${EXPORT_COLUMNS} FROM "ResultRow" AS r ${where} AND r."line" IS NULL ORDER BY r."id"`)
    }
    return []
  }

  const formattedPage = async (): Promise<Uint8Array | null> => {
    const rows = phase === 'done' ? [] : await nextPage()
    if (rows.length === 0) return null
    return runInWorker({ kind: 'export-page', format: query.format, fields: query.fields, inputPath: paths.input, resultPaths: paths.results, rows })
  }
  // The next page is read and formatted while the reader takes this one: this thread's database read overlaps the
  // worker's formatting. One page at a time is ahead, never more.
  let ahead: Promise<Uint8Array | null> | null = null

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!headerSent) {
          headerSent = true
          const head = exportHeader(query.format, query.fields)
          if (head) controller.enqueue(encoder.encode(head))
        }
        const page = await (ahead ?? formattedPage())
        if (page === null) {
          controller.close()
          return
        }
        ahead = formattedPage()
        // Its failure reaches the reader at the next pull; a cancelled export never asks for it.
        ahead.catch(() => {})
        controller.enqueue(page)
      } catch (error) {
        controller.error(error)
      }
    },
  })
  const filename = `${batchId}_results.${query.format}`
  return new Response(stream, {
    headers: {
      'content-type': query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/jsonl; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
  })
}
