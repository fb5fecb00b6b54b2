// One page of a results export (lib/server/results/export.ts reads the rows and sends them), run in a worker thread:
// reading each row's request and result lines by byte offset, parsing and formatting them is the export's CPU work.
import { exportRecord, type ExportFormat, type ExportRow } from '@/lib/results/export-format'
import { OffsetReader } from './offset-reader'

export type ExportPageTask = {
  kind: 'export-page'
  format: ExportFormat
  fields: string[]
  /** The batch's (or job's) input file, where each row's request line is. */
  inputPath: string | null
  /** Result file id to its path, where each row's result line is. */
  resultPaths: ReadonlyMap<string, string>
  rows: ExportRow[]
}

/** The page's text as UTF-8 bytes: entry.mjs moves them to the request thread rather than copying them. */
export async function exportPage(task: ExportPageTask): Promise<Uint8Array> {
  const reader = new OffsetReader()
  try {
    const chunks: string[] = []
    for (const row of task.rows) {
      const [inputText, resultText] = await Promise.all([
        reader.read(task.inputPath, row.inputOffset, row.inputLength),
        reader.read(row.resultFileId ? task.resultPaths.get(row.resultFileId) : null, row.resultOffset, row.resultLength),
      ])
      chunks.push(exportRecord(task.format, task.fields, row, inputText, resultText))
    }
    return new TextEncoder().encode(chunks.join(''))
  } finally {
    await reader.close()
  }
}
