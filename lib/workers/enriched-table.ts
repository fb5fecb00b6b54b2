// The builder's table-with-answers export (lib/server/builder/enriched.ts finds the batch and its files), run in a worker
// thread: reading the output and error files into the answers' cells and writing the table with them is all file and
// CSV work. The CSV goes to a file the request thread streams: a stream stays a stream across threads (decision 068).
import { open, rm } from 'node:fs/promises'
import Papa from 'papaparse'
import { inertFormula } from '@/lib/format/csv'
import { readLocatedLines } from './located-lines'

export type EnrichedTableTask = {
  kind: 'enriched-table'
  endpoint: string
  /** The table's own columns, and the top-level fields of a structured answer (null: one answer column). */
  columns: string[]
  answerFields: string[] | null
  /** The table as the builder stored it: a line describing it, then `{ custom_id, values }` a row. */
  sourcePath: string
  /** The batch's output and error files, where they exist. */
  resultPaths: (string | null)[]
  /** The status of a row without a result: `pending` while the batch runs, `not_run` once it has ended. */
  noResult: string
  /** Where the CSV is written (overwritten if there). */
  outPath: string
}

export type EnrichedTableResult = { bytes: number }

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
async function readAnswers(endpoint: string, answers: AnswerColumns, filePaths: (string | null)[]): Promise<Map<string, AnswerCells>> {
  const cellsById = new Map<string, AnswerCells>()
  for (const filePath of filePaths) {
    if (!filePath) continue
    for await (const { text } of readLocatedLines(filePath)) {
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

/** Writes the table with its answers: every source column, then the answer (one column per top-level field for
 *  structured output), status and error, in the table's row order. Only the answers are held in memory. */
export async function enrichedTable(task: EnrichedTableTask): Promise<EnrichedTableResult> {
  const answers = answerColumns(task.endpoint, task.answerFields)
  const answered = await readAnswers(task.endpoint, answers, task.resultPaths)
  const unanswered = answers.cells(undefined)
  const added = distinct([...answers.names, 'status', 'error'], task.columns)
  const out = await open(task.outPath, 'w')
  let bytes = 0
  let written = false
  // About 64 KB per write: a write per row would cost a system call per row.
  let text = ''
  const flush = async () => {
    const { bytesWritten } = await out.write(text)
    bytes += bytesWritten
    text = ''
  }
  try {
    // Excel reads a CSV as UTF-8 only when it starts with a byte order mark.
    text = `\uFEFF${csvRow([...task.columns, ...added])}`
    for await (const { text: line } of readLocatedLines(task.sourcePath)) {
      const row = JSON.parse(line) as { custom_id?: unknown; values?: (string | null)[] }
      // The first line describes the table.
      if (!Array.isArray(row.values) || typeof row.custom_id !== 'string') continue
      const cells = answered.get(row.custom_id)
      text += csvRow([...row.values, ...(cells ?? unanswered).values, cells?.status ?? task.noResult, inertFormula((cells ?? unanswered).error)])
      if (text.length >= 65_536) await flush()
    }
    await flush()
    written = true
  } finally {
    await out.close()
    // Nothing half-written is left behind.
    if (!written) await rm(task.outPath, { force: true })
  }
  return { bytes }
}
