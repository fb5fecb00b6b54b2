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

export type BatchError = { code: string | null; message: string | null; param: string | null; line: number | null }

export type BatchUsage = {
  inputTokens: number
  cachedTokens: number
  outputTokens: number
  reasoningTokens: number
  totalTokens: number
}

export type BatchFileRef = {
  /** Local file id; null when only the provider's id is known (the file is not, or no longer, here). */
  id: string | null
  remoteId: string | null
  filename: string | null
  bytes: number | null
  lineCount: number | null
}

/** Every *_at of OpenAI's batch object, ISO strings or null. */
export type BatchTimeline = {
  createdAt: string
  inProgressAt: string | null
  finalizingAt: string | null
  completedAt: string | null
  failedAt: string | null
  expiredAt: string | null
  cancellingAt: string | null
  cancelledAt: string | null
  expiresAt: string | null
}

export type BatchProgress = {
  total: number
  completed: number
  failed: number
  remaining: number
  /** Lines per second over the last few seconds; 0 when idle or unknown (remote batches). */
  linesPerSecond: number
  tokensPerSecond: number
  /** Seconds until every line is done at the current pace; null when unknown. */
  etaSeconds: number | null
}

export type BatchDetail = BatchSummary & {
  connectionKind: ConnectionKind
  completionWindow: string
  errors: BatchError[]
  usage: BatchUsage | null
  timeline: BatchTimeline
  inputFile: BatchFileRef
  outputFile: BatchFileRef | null
  errorFile: BatchFileRef | null
  parentBatchId: string | null
  retryBatchIds: string[]
  progress: BatchProgress
}

export type CreatedBatch = { id: string }

/** A row of the batches list: the summary plus what its progress and duration columns need. */
export type BatchListItem = BatchSummary & {
  inProgressAt: string | null
  /** When the batch reached its terminal state (completed, failed, expired or cancelled). */
  endedAt: string | null
  etaSeconds: number | null
}
