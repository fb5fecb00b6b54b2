import 'server-only'
import { promptOf, resultOf } from '@/lib/results/extract'
import type { ResultExportQuery } from '@/lib/validations/results'
import { db } from '@/lib/server/db'
import { Prisma } from '@/lib/server/db/generated/client'
import { AppError, notFound } from '@/lib/server/http/errors'
import { OffsetReader } from './lines'
import { ROW_COLUMNS, filePaths, filterSql, isJobId, type RawRow } from './query'
import { csvCell, inertFormula } from '@/lib/format/csv'

const PAGE_ROWS = 1_000

const parse = (text: string | null): unknown => {
  if (text === null) return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}

function fieldOf(body: unknown, path: string): unknown {
  let value: unknown = body
  for (const key of path.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
  return value
}

type Format = ResultExportQuery['format']

function header(format: Format, fields: string[]): string {
  if (format === 'jsonl') return ''
  const columns = [
    'custom_id',
    'line',
    'status',
    ...fields.map((field) => (field === 'prompt' ? 'prompt' : `input.${field}`)),
    'output_text',
    'status_code',
    'error_code',
    'error_message',
    'finish_reason',
    'input_tokens',
    'output_tokens',
    'total_tokens',
    'source_batch_id',
  ]
  return `${columns.join(',')}\r\n`
}

function record(format: Format, fields: string[], row: RawRow, inputText: string | null, resultText: string | null): string {
  const input = parse(inputText)
  const result = parse(resultText)
  const facts = result === null ? null : resultOf(result)
  const body = input && typeof input === 'object' ? (input as { body?: unknown }).body : undefined
  const tokens = {
    input: row.inputTokens === null ? null : Number(row.inputTokens),
    output: row.outputTokens === null ? null : Number(row.outputTokens),
    total: row.totalTokens === null ? null : Number(row.totalTokens),
  }
  if (format === 'jsonl') {
    const response = result && typeof result === 'object' ? (result as { response?: { body?: unknown } | null }).response : null
    return `${JSON.stringify({
      custom_id: row.customId,
      line: row.line === null ? null : Number(row.line),
      status: row.status,
      input: body ?? null,
      output: response?.body ?? null,
      output_text: facts?.text || null,
      error: row.errorCode === null ? null : { code: row.errorCode, message: facts?.errorMessage ?? row.errorMessage },
      usage: tokens,
      source_batch_id: row.sourceBatchId,
    })}\n`
  }
  const values = [
    row.customId,
    row.line === null ? null : Number(row.line),
    row.status,
    ...fields.map((field) => (field === 'prompt' ? promptOf(input).text : fieldOf(body, field))),
    inertFormula(facts?.text ?? ''),
    row.statusCode === null ? null : Number(row.statusCode),
    row.errorCode,
    inertFormula(facts?.errorMessage ?? row.errorMessage),
    row.finishReason,
    tokens.input,
    tokens.output,
    tokens.total,
    row.sourceBatchId,
  ]
  return `${values.map(csvCell).join(',')}\r\n`
}

/**
 * The batch's rows (filtered like the table; with retries merged, the final results) as CSV or JSONL, streamed: one
 * page of rows at a time, each joined to its request and result lines read by byte offset.
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
  const reader = new OffsetReader()
  const encoder = new TextEncoder()
  // Rows with a line number in line order (keyset on line), then results whose custom_id was not in the input.
  let afterLine = 0
  let phase: 'lines' | 'orphans' | 'done' = 'lines'
  let headerSent = false

  const nextPage = async (): Promise<RawRow[]> => {
    if (phase === 'lines') {
      const rows = await db.$queryRaw<RawRow[]>(
        Prisma.sql`SELECT ${ROW_COLUMNS} FROM "ResultRow" AS r ${where} AND r."line" > ${afterLine} ORDER BY r."line" LIMIT ${PAGE_ROWS}`,
      )
      const last = rows.at(-1)
      if (last) afterLine = Number(last.line)
      if (rows.length < PAGE_ROWS) phase = 'orphans'
      if (rows.length > 0) return rows
    }
    if (phase === 'orphans') {
      phase = 'done'
      return db.$queryRaw<RawRow[]>(Prisma.sql`SELECT ${ROW_COLUMNS} FROM "ResultRow" AS r ${where} AND r."line" IS NULL ORDER BY r."id"`)
    }
    return []
  }

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!headerSent) {
          headerSent = true
          const head = header(query.format, query.fields)
          if (head) controller.enqueue(encoder.encode(head))
        }
        const rows = phase === 'done' ? [] : await nextPage()
        if (rows.length === 0 && phase === 'done') {
          await reader.close()
          controller.close()
          return
        }
        const chunks: string[] = []
        for (const row of rows) {
          const [inputText, resultText] = await Promise.all([
            reader.read(paths.input, row.inputOffset, row.inputLength),
            reader.read(row.resultFileId ? paths.results.get(row.resultFileId) : null, row.resultOffset, row.resultLength),
          ])
          chunks.push(record(query.format, query.fields, row, inputText, resultText))
        }
        controller.enqueue(encoder.encode(chunks.join('')))
      } catch (error) {
        await reader.close()
        controller.error(error)
      }
    },
    async cancel() {
      await reader.close()
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
