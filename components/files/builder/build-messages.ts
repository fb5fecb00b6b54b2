import type { BuildIssue, BuildIssueCode, Cell, TableFormat } from '@/lib/builder'
import type { ValidationReport } from '@/lib/jsonl'
import type { BuildConfig } from '@/lib/validations/builder'

export type LoadedTable = {
  filename: string
  format: TableFormat
  columns: string[]
  /** The first rows, for the table on the page; the worker keeps all of them. */
  sample: Cell[][]
  rowCount: number
  longRows: number
}

export type BuiltPartSummary = { name: string; requests: number; bytes: number; firstRow: number; report: ValidationReport }

export type BuildOutcome = {
  id: number
  problems: BuildIssue[]
  issues: BuildIssue[]
  issueCounts: Partial<Record<BuildIssueCode, number>>
  errorCount: number
  warningCount: number
  /** Empty while there are problems or row errors. */
  parts: BuiltPartSummary[]
  /** The first generated lines, as written. */
  preview: string[]
  answerFields: string[] | null
}

export type ExportedPart = { name: string; firstRow: number; requests: number; file: Blob; table: Blob }

export type BuildRequest = { type: 'load'; file: File } | { type: 'build'; id: number; config: BuildConfig } | { type: 'export'; id: number; whole: boolean }

export type BuildMessage =
  | { type: 'loaded'; table: LoadedTable }
  | { type: 'load-failed'; message: string }
  | { type: 'progress'; id: number; rows: number }
  | { type: 'built'; outcome: BuildOutcome }
  | { type: 'exported'; id: number; parts: ExportedPart[] }
  | { type: 'failed'; id: number; message: string }
