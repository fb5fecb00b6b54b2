import 'server-only'
import { createReadStream } from 'node:fs'
import Papa from 'papaparse'
import { isTerminal } from '@/lib/batch'
import { baseNameOf } from '@/lib/builder'
import { db } from '@/lib/server/db'
import { AppError, notFound } from '@/lib/server/http/errors'
import { fromStoragePath } from '@/lib/server/storage'
import { textLines } from './lines'
import { inertFormula } from '@/lib/format/csv'

type Json = Record<string, unknown>

type Outcome = { status: 'completed' | 'failed'; text: string | null; body: Json | null; error: string | null }

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The answer's text, as each endpoint returns it. */
function answerText(endpoint: string, body: Json): string | null {
  if (endpoint === '/v1/chat/completions' || endpoint === '/v1/completions') {
    const [choice] = Array.isArray(body.choices) ? body.choices : []
    if (!isObject(choice)) return null
    if (typeof choice.text === 'string') return choice.text
    const message = choice.message
    return isObject(message) && typeof message.content === 'string' ? message.content : null
  }
  if (endpoint === '/v1/responses') {
    if (typeof body.output_text === 'string') return body.output_text
    const texts: string[] = []
    for (const item of Array.isArray(body.output) ? body.output : []) {
      if (!isObject(item) || !Array.isArray(item.content)) continue
      for (const part of item.content) if (isObject(part) && part.type === 'output_text' && typeof part.text === 'string') texts.push(part.text)
    }
    return texts.length > 0 ? texts.join('') : null
  }
  return null
}

function errorText(error: unknown): string | null {
  if (!isObject(error)) return null
  const message = typeof error.message === 'string' ? error.message : null
  const code = typeof error.code === 'string' ? error.code : null
  return message && code ? `${code}: ${message}` : (message ?? code)
}

/** One line of an output or error file: `{ custom_id, response: { status_code, body }, error }`. */
function outcomeOf(endpoint: string, line: Json): Outcome {
  const response = isObject(line.response) ? line.response : null
  const body = response && isObject(response.body) ? response.body : null
  const statusCode = typeof response?.status_code === 'number' ? response.status_code : null
  const failed = line.error !== null && line.error !== undefined ? errorText(line.error) : null
  if (failed !== null || statusCode === null || statusCode >= 400) {
    return { status: 'failed', text: null, body: null, error: failed ?? errorText(body?.error) ?? `HTTP ${statusCode ?? 'error'} without a message` }
  }
  return { status: 'completed', text: body ? answerText(endpoint, body) : null, body, error: null }
}

type AnswerColumns = { names: string[]; cells(outcome: Outcome | undefined): { values: (string | null)[]; error: string | null } }

/** A result line reduced to its row's cells: what the export writes, not the whole response body. */
type AnswerCells = { status: Outcome['status']; values: (string | null)[]; error: string | null }

// Only each line's cells are kept (an embedding's vector as its one cell), not the parsed responses: a batch's answers
// are held while the table streams, and a parsed body takes several times its text.
async function readAnswers(endpoint: string, answers: AnswerColumns, storagePaths: (string | null | undefined)[]): Promise<Map<string, AnswerCells>> {
  const cellsById = new Map<string, AnswerCells>()
  for (const storagePath of storagePaths) {
    if (!storagePath) continue
    for await (const text of textLines(createReadStream(fromStoragePath(storagePath)))) {
      if (text.trim() === '') continue
      let line: unknown
      try {
        line = JSON.parse(text)
      } catch {
        continue
      }
      if (!isObject(line) || typeof line.custom_id !== 'string') continue
      const outcome = outcomeOf(endpoint, line)
      const { values, error } = answers.cells(outcome)
      cellsById.set(line.custom_id, { status: outcome.status, values, error: outcome.error ?? error })
    }
  }
  return cellsById
}

function answerColumns(endpoint: string, answerFields: string[] | null): AnswerColumns {
  if (endpoint === '/v1/embeddings') {
    return {
      names: ['embedding'],
      cells: (outcome) => {
        const [first] = Array.isArray(outcome?.body?.data) ? outcome.body.data : []
        return { values: [isObject(first) && Array.isArray(first.embedding) ? JSON.stringify(first.embedding) : null], error: null }
      },
    }
  }
  if (endpoint === '/v1/moderations') {
    return {
      names: ['flagged', 'categories'],
      cells: (outcome) => {
        const [first] = Array.isArray(outcome?.body?.results) ? outcome.body.results : []
        if (!isObject(first)) return { values: [null, null], error: null }
        const categories = isObject(first.categories)
          ? Object.entries(first.categories)
              .filter(([, on]) => on === true)
              .map(([name]) => name)
          : []
        return { values: [typeof first.flagged === 'boolean' ? String(first.flagged) : null, categories.join(', ')], error: null }
      },
    }
  }
  if (answerFields === null) return { names: ['answer'], cells: (outcome) => ({ values: [inertFormula(outcome?.text ?? null)], error: null }) }
  return {
    names: answerFields,
    cells: (outcome) => {
      const empty = answerFields.map(() => null)
      if (outcome?.status !== 'completed' || outcome.text === null) return { values: empty, error: null }
      let parsed: unknown
      try {
        parsed = JSON.parse(outcome.text)
      } catch {
        return { values: empty, error: `The answer is not JSON: ${outcome.text.slice(0, 200)}` }
      }
      if (!isObject(parsed)) return { values: empty, error: 'The answer is JSON but not an object.' }
      return {
        values: answerFields.map((field) => {
          const value = parsed[field]
          // Only text can be a formula: a JSON number such as -0.5 stays a number in the sheet.
          return value === undefined || value === null ? null : typeof value === 'string' ? inertFormula(value) : JSON.stringify(value)
        }),
        error: null,
      }
    },
  }
}

/** Names that do not collide with the table's own columns: a table may already have a "status" column. */
function distinct(names: string[], taken: readonly string[]): string[] {
  const used = new Set(taken)
  return names.map((name) => {
    let candidate = name
    for (let n = 2; used.has(candidate); n++) candidate = `${name} (batch${n > 2 ? ` ${n - 1}` : ''})`
    used.add(candidate)
    return candidate
  })
}

const csvRow = (cells: (string | null)[]) => `${Papa.unparse([cells.map((cell) => cell ?? '')], { newline: '\r\n' })}\r\n`

/**
 * The table a batch was built from, with its answers: every source column, then the answer (one column per
 * top-level field for structured output), status and error, in the table's row order. Streamed: only the
 * answers are held in memory, the table is read a row at a time. Reads the batch's own output and error files.
 */
export async function exportEnrichedTable(batchId: string): Promise<Response> {
  const batch = await db.batch.findUnique({
    where: { id: batchId },
    select: {
      id: true,
      endpoint: true,
      status: true,
      inputFile: { select: { sourceTable: true } },
      outputFile: { select: { storagePath: true } },
      errorFile: { select: { storagePath: true } },
      remoteOutputFileId: true,
      remoteErrorFileId: true,
    },
  })
  if (!batch) throw notFound('batch', batchId)
  const source = batch.inputFile?.sourceTable
  if (!source) {
    throw new AppError(
      404,
      'no_source_table',
      "This batch's input file was not built from a table in Batchboard, so there is no table to add answers to. Download its output file instead.",
      {
        param: 'batchId',
      },
    )
  }
  const notLocal = (batch.remoteOutputFileId && !batch.outputFile?.storagePath) || (batch.remoteErrorFileId && !batch.errorFile?.storagePath)
  if (notLocal) {
    throw new AppError(409, 'results_not_local', "The batch's results are not in Batchboard yet. Try again once its output file shows on the batch page.", {
      param: 'batchId',
    })
  }

  const columns = source.columns as string[]
  const answers = answerColumns(batch.endpoint, (source.answerFields as string[] | null) ?? null)
  const answered = await readAnswers(batch.endpoint, answers, [batch.outputFile?.storagePath, batch.errorFile?.storagePath])
  const unanswered = answers.cells(undefined)
  const header = [...columns, ...distinct([...answers.names, 'status', 'error'], columns)]

  // A line without a result either has not run yet, or never will (the batch ended without it).
  const noResult = isTerminal(batch.status) ? 'not_run' : 'pending'

  async function* rows(): AsyncGenerator<string> {
    // Excel reads a CSV as UTF-8 only when it starts with a byte order mark.
    yield `\uFEFF${csvRow(header)}`
    for await (const text of textLines(createReadStream(fromStoragePath(source!.storagePath)))) {
      if (text.trim() === '') continue
      const row = JSON.parse(text) as { custom_id?: unknown; values?: (string | null)[] }
      // The first line describes the table.
      if (!Array.isArray(row.values) || typeof row.custom_id !== 'string') continue
      const cells = answered.get(row.custom_id)
      yield csvRow([...row.values, ...(cells ?? unanswered).values, cells?.status ?? noResult, inertFormula((cells ?? unanswered).error)])
    }
  }

  const filename = `${baseNameOf(source.filename)}-${batch.id}-answers.csv`
  const encoder = new TextEncoder()
  const iterator = rows()
  const stream = new ReadableStream<Uint8Array>({
    // About 64 KB per chunk: a row per chunk would cost a write per row.
    async pull(controller) {
      let text = ''
      while (text.length < 65_536) {
        const next = await iterator.next()
        if (next.done) {
          if (text !== '') controller.enqueue(encoder.encode(text))
          controller.close()
          return
        }
        text += next.value
      }
      controller.enqueue(encoder.encode(text))
    },
    async cancel() {
      await iterator.return(undefined)
    },
  })
  return new Response(stream, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
  })
}
