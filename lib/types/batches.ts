import type { BatchStatus, RequestCounts } from '@/lib/batch'
import type { BatchCost } from '@/lib/pricing'
import type { JobSummary } from '@/lib/jobs/types'
import type { ConnectionKind } from './connections'

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
  /** Run by the built-in engine against its simulator: the answers are made up, not a model's. */
  simulated: boolean
  /** Remote batches: when Batchboard last heard from the provider, and why the last try failed (null when it did not). */
  syncedAt: string | null
  syncError: string | null
  /** The job this batch is a part of; null for a batch started on its own. */
  jobId: string | null
}

export type BatchError = { code: string | null; message: string | null; param: string | null; line: number | null }

export type BatchUsage = {
  inputTokens: number
  cachedTokens: number
  outputTokens: number
  reasoningTokens: number
  totalTokens: number
  /** Input tokens written to a prompt cache, where the provider reports them apart (Anthropic). */
  cacheWriteTokens?: number
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
  /** The provider's own status word where it is not OpenAI's (Anthropic `ended`, Gemini `JOB_STATE_SUCCEEDED`). */
  providerStatus: string | null
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
  /** The input file was made by the batch builder from a table, so /api/batches/{id}/enriched.csv can join the answers back to it. */
  builtFromTable: boolean
  cost: BatchCost
  /** Remote batches: the provider's file ids and when the files were copied here. */
  recordedAt: string
  nextSyncAt: string | null
}

export type CreatedBatch = { id: string }

/** A row of the batches list: the summary plus what its progress and duration columns need. */
export type BatchListItem = BatchSummary & {
  inProgressAt: string | null
  /** When the batch reached its terminal state (completed, failed, expired or cancelled). */
  endedAt: string | null
  etaSeconds: number | null
  cost: BatchCost
}

/** A page of the batch list. `total` is counted on the first page only: later pages answer null, so paging stays cheap. */
/** A job whose parts are on a page of the batch list, for the row that groups them. */
export type BatchListJob = Pick<JobSummary, 'id' | 'description' | 'status' | 'lines' | 'partCount'>

export type BatchListPage = {
  data: BatchListItem[]
  nextCursor: string | null
  total: number | null
  /** The jobs of this page's part batches, by id. */
  jobs: Record<string, BatchListJob>
}

export type FacetCount = { value: string; label: string; count: number }

/** What the batch list's filter menus offer, with how many batches each holds. */
export type BatchFacets = { statuses: (FacetCount & { value: BatchStatus })[]; connections: FacetCount[]; endpoints: FacetCount[]; models: FacetCount[] }
