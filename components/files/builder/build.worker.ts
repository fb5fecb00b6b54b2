import Papa from 'papaparse'
import {
  IssueList,
  PartSplitter,
  RecordCollector,
  TableCollector,
  TableError,
  baseNameOf,
  papaConfig,
  planBuild,
  tableFormatFor,
  type BuiltPart,
  type Table,
  type TableFormat,
} from '@/lib/builder'
import { createBatchFileValidator } from '@/lib/jsonl'
import type { BuildConfig } from '@/lib/validations/builder'
import type { BuildMessage, BuildOutcome, BuildRequest, BuiltPartSummary, ExportedPart } from './build-messages'

// The DOM lib types `self` as a Window; in a dedicated worker only these two members are used.
const scope = self as unknown as {
  postMessage(message: BuildMessage): void
  addEventListener(type: 'message', listener: (event: MessageEvent<BuildRequest>) => void): void
}

const SAMPLE_ROWS = 50
const PREVIEW_LINES = 3
// Rows built between checks for a newer edit: small enough that typing never waits long for a stale build.
const SLICE_ROWS = 2_000
const VALIDATE_LINES = 2_000

let table: Table | null = null
let source: { filename: string } | null = null
let built: { id: number; parts: BuiltPart[]; answerFields: string[] | null } | null = null
// Bumped by every build request, so a build in progress gives way to the newest edit.
let latest = 0

scope.addEventListener('message', (event) => {
  const request = event.data
  if (request.type === 'load') void load(request.file)
  else if (request.type === 'build') {
    latest = request.id
    void build(request.id, request.config).catch((error: unknown) => scope.postMessage({ type: 'failed', id: request.id, message: messageOf(error) }))
  } else void exportParts(request.id, request.whole)
})

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))
const giveWay = () => new Promise((resolve) => setTimeout(resolve, 0))

async function load(file: File) {
  try {
    const format = tableFormatFor(file.name)
    const { table: loaded, longRows } = format === 'jsonl' ? { table: await readRecords(file), longRows: 0 } : await readDelimited(file, format)
    table = loaded
    source = { filename: file.name }
    built = null
    scope.postMessage({
      type: 'loaded',
      table: { filename: file.name, format, columns: loaded.columns, sample: loaded.rows.slice(0, SAMPLE_ROWS), rowCount: loaded.rows.length, longRows },
    })
  } catch (error) {
    scope.postMessage({ type: 'load-failed', message: messageOf(error) })
  }
}

// Streamed by papaparse in chunks (FileReaderSync inside a worker), so a large table never sits in memory as one string.
function readDelimited(file: File, format: Exclude<TableFormat, 'jsonl'>): Promise<{ table: Table; longRows: number }> {
  const collector = new TableCollector()
  return new Promise((resolve, reject) => {
    let failed: TableError | null = null
    Papa.parse<unknown[], File>(file, {
      ...papaConfig(format),
      chunk: (results, parser) => {
        const quote = results.errors.find((error) => error.type === 'Quotes')
        if (quote) {
          failed = new TableError('A quote in the table is never closed. Check the quotes around the values near the end of the file.')
          parser.abort()
          return
        }
        for (const row of results.data) collector.addRow(row)
      },
      complete: () => {
        if (failed) return reject(failed)
        try {
          resolve({ table: collector.finish(), longRows: collector.longRows })
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)))
        }
      },
      error: (error) => reject(new TableError(`The browser could not read the file: ${error.message}`)),
    })
  })
}

async function readRecords(file: File): Promise<Table> {
  const collector = new RecordCollector()
  const decoder = new TextDecoder('utf-8', { ignoreBOM: false })
  let rest = ''
  const reader = file.stream().getReader()
  for (;;) {
    const { done, value } = await reader.read()
    rest += done ? decoder.decode() : decoder.decode(value, { stream: true })
    const lines = rest.split('\n')
    rest = done ? '' : (lines.pop() ?? '')
    for (const line of lines) collector.addLine(line.endsWith('\r') ? line.slice(0, -1) : line)
    if (done) break
  }
  return collector.finish()
}

async function build(id: number, config: BuildConfig) {
  if (table === null || source === null) return
  const rows = table.rows
  const plan = planBuild(config, table.columns)
  const issues = new IssueList()
  const outcome = (parts: BuiltPartSummary[], preview: string[]): BuildOutcome => ({
    id,
    problems: plan.problems,
    issues: issues.listed,
    issueCounts: issues.counts,
    errorCount: issues.errorCount,
    warningCount: issues.warningCount,
    parts,
    preview,
    answerFields: plan.answerFields,
  })
  built = null
  if (plan.problems.length > 0) {
    scope.postMessage({ type: 'built', outcome: outcome([], []) })
    return
  }

  const splitter = new PartSplitter(baseNameOf(source.filename))
  const preview: string[] = []
  for (let start = 0; start < rows.length; start += SLICE_ROWS) {
    if (start > 0) {
      await giveWay()
      if (latest !== id) return
      scope.postMessage({ type: 'progress', id, rows: start })
    }
    const end = Math.min(rows.length, start + SLICE_ROWS)
    for (let index = start; index < end; index++) {
      const request = plan.requestFor(rows[index]!, index, issues)
      if (request === null) continue
      if (preview.length < PREVIEW_LINES) preview.push(request.line)
      splitter.add(request.line, request.customId, index)
    }
  }
  if (issues.errorCount > 0) {
    scope.postMessage({ type: 'built', outcome: outcome([], preview) })
    return
  }
  const parts = splitter.finish()
  const summaries: BuiltPartSummary[] = []
  // The same validator the upload and the server run: the page shows exactly what they will say.
  for (const part of parts) {
    const validator = createBatchFileValidator({ endpoint: config.endpoint })
    const encoder = new TextEncoder()
    for (let start = 0; start < part.lines.length; start += VALIDATE_LINES) {
      await giveWay()
      if (latest !== id) return
      await validator.push(encoder.encode(`${part.lines.slice(start, start + VALIDATE_LINES).join('\n')}\n`))
    }
    summaries.push({ name: part.name, requests: part.lines.length, bytes: part.bytes, firstRow: part.firstRow, report: await validator.finish() })
  }
  built = { id, parts, answerFields: plan.answerFields }
  scope.postMessage({ type: 'built', outcome: outcome(summaries, preview) })
}

/**
 * The files to download or upload, each with its slice of the table (the mapping custom_id → row). `whole`: one file of
 * every part's lines in order, for a job (which splits its input by the connection's limits itself).
 */
function exportParts(id: number, whole: boolean) {
  if (built === null || built.id !== id || table === null || source === null) {
    scope.postMessage({ type: 'failed', id, message: 'The file changed while it was being saved. Try again.' })
    return
  }
  const { columns, rows } = table
  const [first] = built.parts
  const parts: BuiltPart[] =
    whole && first && built.parts.length > 1
      ? [
          {
            ...first,
            name: `${baseNameOf(source.filename)}.jsonl`,
            lines: built.parts.flatMap((part) => part.lines),
            customIds: built.parts.flatMap((part) => part.customIds),
            bytes: built.parts.reduce((sum, part) => sum + part.bytes, 0),
          },
        ]
      : built.parts
  const exported: ExportedPart[] = parts.map((part) => {
    const header = JSON.stringify({ filename: source!.filename, columns, firstRow: part.firstRow, answerFields: built!.answerFields })
    const tableLines = part.customIds.map((customId, offset) => JSON.stringify({ custom_id: customId, values: rows[part.firstRow + offset] }))
    return {
      name: part.name,
      firstRow: part.firstRow,
      requests: part.lines.length,
      // Pieces rather than one joined string: a 200 MB part would be a 200 MB string first.
      file: new Blob(
        part.lines.flatMap((line) => [line, '\n']),
        { type: 'application/jsonl' },
      ),
      table: new Blob([`${header}\n${tableLines.join('\n')}\n`], { type: 'application/jsonl' }),
    }
  })
  scope.postMessage({ type: 'exported', id, parts: exported })
}
