// What the dashboard's GET routes return: dates as ISO strings, byte and token counts as numbers.
import type { BatchStatus, RequestCounts } from '@/lib/batch'

export type Page<T> = { data: T[]; nextCursor: string | null; total: number }

export type BatchSummary = {
  id: string
  connectionId: string
  connectionName: string
  remoteId: string | null
  endpoint: string
  model: string | null
  status: BatchStatus
  description: string | null
  metadata: Record<string, string> | null
  requestCounts: RequestCounts
  createdAt: string
  completedAt: string | null
}

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
  /** Whether Batchboard holds the bytes (false while only the provider has them). */
  stored: boolean
  batches: { id: string; status: BatchStatus; description: string | null; createdAt: string }[]
}

export type FilePreview = { lines: { line: number; text: string }[]; truncated: boolean }

export type ConnectionKind = 'builtin' | 'openai'

export type ConnectionSummary = {
  id: string
  kind: ConnectionKind
  name: string
  baseUrl: string | null
  /** Last 4 characters of the API key, never more. */
  apiKeyHint: string | null
  batchCount: number
}

export type Health = { status: 'ok'; database: 'ok'; version: string }

export type SystemInfo = { dataDir: string; databasePath: string; version: string }
