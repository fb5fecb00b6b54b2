// The results export's CSV and JSONL, one row at a time: isomorphic, so the worker threads format an export's pages
// (lib/workers/export-page.ts) while the request thread only reads the rows from the database.
import { promptOf, resultOf } from '@/lib/results/extract'
import type { ResultExportQuery } from '@/lib/validations/results'
import { csvCell, inertFormula } from '@/lib/format/csv'

export type ExportFormat = ResultExportQuery['format']

/** The columns of a result row an export reads: its facts, and where its request and result lines are. */
export type ExportRow = {
  line: number | bigint | null
  customId: string
  status: string
  statusCode: number | bigint | null
  errorCode: string | null
  errorMessage: string | null
  finishReason: string | null
  inputTokens: number | bigint | null
  outputTokens: number | bigint | null
  totalTokens: number | bigint | null
  sourceBatchId: string | null
  inputOffset: number | bigint | null
  inputLength: number | bigint | null
  resultFileId: string | null
  resultOffset: number | bigint | null
  resultLength: number | bigint | null
}

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

export function exportHeader(format: ExportFormat, fields: string[]): string {
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

/** One row of the export, from the row and its request and result lines (null when not read). */
export function exportRecord(format: ExportFormat, fields: string[], row: ExportRow, inputText: string | null, resultText: string | null): string {
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
