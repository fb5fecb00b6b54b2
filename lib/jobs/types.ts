// What the jobs GET routes return: dates as ISO strings, byte and token counts as numbers.
import type { BatchStatus, RequestCounts } from '@/lib/batch'
import type { JobStatus } from '@/lib/validations/jobs'

export const JOB_PART_STATUSES = ['queued', 'submitting', 'submitted', 'ended'] as const
export type JobPartStatus = (typeof JOB_PART_STATUSES)[number]

/** Lines by where they stand: final successes, final failures (failed, expired, cancelled, missing), and the rest. */
export type JobLineCounts = { total: number; succeeded: number; failed: number; pending: number }

export type JobCost =
  | { status: 'priced'; cost: number; standardCost: number; estimatedTotal: number | null }
  | { status: 'simulated' }
  | { status: 'no_price'; model: string | null }
  | { status: 'no_usage' }

export type JobSummary = {
  id: string
  connectionId: string
  connectionName: string
  endpoint: string
  model: string | null
  status: JobStatus
  description: string | null
  lines: JobLineCounts
  partCount: number
  createdAt: string
  endedAt: string | null
  /** Why the job stopped or failed, in words a user can act on. */
  error: string | null
}

export type JobPartSummary = {
  id: string
  seq: number
  /** 1 for the first split; n for lines on their n-th attempt. */
  round: number
  lineCount: number
  bytes: number
  estimatedTokens: number
  status: JobPartStatus
  batchId: string | null
  batchStatus: BatchStatus | null
  requestCounts: RequestCounts | null
  queueAttempts: number
  waitingReason: string | null
  nextAttemptAt: string
  submittedAt: string | null
  endedAt: string | null
}

export type JobDetail = JobSummary & {
  connectionKind: string
  completionWindow: string
  maxAttempts: number
  limits: { maxRequests: number; maxBytes: number; maxTokens: number | null }
  inputFile: { id: string; filename: string } | null
  outputFileId: string | null
  errorFileId: string | null
  /** Lines already in parts while the input is being split. */
  splitLines: number
  parts: JobPartSummary[]
  cost: JobCost
  etaSeconds: number | null
}
