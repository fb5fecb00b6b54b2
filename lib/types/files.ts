import type { BatchStatus } from '@/lib/batch'
import type { LineFormat } from '@/lib/jsonl'

export type FileSummary = {
  id: string
  filename: string
  purpose: string
  bytes: number
  lineCount: number | null
  endpoint: string | null
  model: string | null
  createdAt: string
  /** Batches that use the file as input, output or error file. */
  batchCount: number
}

export type FileDetail = FileSummary & {
  sha256: string | null
  estimatedInputTokens: number | null
  /** Sum of the lines' output caps, and lines without one; null for files checked before caps were counted. */
  outputTokenCapTotal: number | null
  outputTokenCapMissing: number | null
  /** Whether Batchboard holds the bytes (false while only the provider has them). */
  stored: boolean
  /** The lines' format: OpenAI's, or a provider's own (which runs only on a connection of that kind). */
  lineFormat: LineFormat
  batches: { id: string; status: BatchStatus; description: string | null; createdAt: string }[]
}

export type FilePreview = { lines: { line: number; text: string }[]; truncated: boolean }
