import { matchScore } from '@/lib/batch/model-patterns'

// What one batch may hold on each kind of connection, and how a connection's own settings override it. Isomorphic:
// New batch uses it to say how many batches a file will run as before anything is created.

export type BatchLimits = {
  /** Requests per input file. */
  maxRequests: number
  /** Bytes per input file. */
  maxBytes: number
}

// OpenAI: 50,000 requests and 200 MB per input file (Batch API guide, "Rate limits"). The built-in engine has no limit
// of its own, but a job's parts stay the size OpenAI takes, so they read like any other batch.
const OPENAI_LIMITS: BatchLimits = { maxRequests: 50_000, maxBytes: 200 * 1024 * 1024 }

// Message Batches: 100,000 requests or 256 MB per batch, whichever comes first (batch create reference, batch-processing guide).
export const ANTHROPIC_BATCH_LIMITS: BatchLimits = { maxRequests: 100_000, maxBytes: 256 * 1024 * 1024 }

// Gemini Batch Mode: an input file of up to 2 GB (ai.google.dev/gemini-api/docs/batch-api, "Input file"; the Files API,
// ai.google.dev/api/files, takes 2 GB per file); no request count per batch is documented, so the size binds.
export const GEMINI_BATCH_LIMITS: BatchLimits = { maxRequests: Number.MAX_SAFE_INTEGER, maxBytes: 2 * 1024 * 1024 * 1024 }

export const DEFAULT_BATCH_LIMITS: Record<string, BatchLimits> = {
  builtin: OPENAI_LIMITS,
  openai: OPENAI_LIMITS,
  anthropic: ANTHROPIC_BATCH_LIMITS,
  gemini: GEMINI_BATCH_LIMITS,
}

export type ConnectionLimitSettings = {
  kind: string
  maxRequestsPerBatch: number | null
  maxBytesPerBatch: number | null
  /** { "<model or glob>": tokens }: the provider's enqueued-token limit per model, as its limits page states it. */
  enqueuedTokenLimits: Record<string, number> | null
}

export function batchLimitsOf(connection: ConnectionLimitSettings): BatchLimits {
  const defaults = DEFAULT_BATCH_LIMITS[connection.kind] ?? OPENAI_LIMITS
  return { maxRequests: connection.maxRequestsPerBatch ?? defaults.maxRequests, maxBytes: connection.maxBytesPerBatch ?? defaults.maxBytes }
}

/** The enqueued-token limit for a model, by the best-fitting name or pattern (as prices and upstreams match); null when none is set. */
export function enqueuedTokenLimitOf(limits: Record<string, number> | null, model: string | null): number | null {
  if (!limits || model === null) return null
  let best: { score: number; tokens: number } | null = null
  for (const [pattern, tokens] of Object.entries(limits)) {
    const score = matchScore(pattern, model)
    if (score >= 0 && (best === null || score > best.score)) best = { score, tokens }
  }
  return best?.tokens ?? null
}

/** How many batches a file of this size becomes: the larger of the request and byte counts' needs. */
export function plannedBatchCount(
  file: { lineCount: number; bytes: number; estimatedTokens: number | null },
  limits: BatchLimits,
  maxTokens: number | null,
): number {
  const byRequests = Math.ceil(file.lineCount / limits.maxRequests)
  const byBytes = Math.ceil(file.bytes / limits.maxBytes)
  const byTokens = maxTokens && file.estimatedTokens ? Math.ceil(file.estimatedTokens / maxTokens) : 1
  return Math.max(1, byRequests, byBytes, byTokens)
}

const count = (value: number) => value.toLocaleString('en-US')

/** Why a file does not fit one batch under these limits ("has 120,000 requests, more than the 50,000 one batch may hold"), or null. */
export function overBatchLimit(file: { lineCount: number; bytes: number }, limits: BatchLimits): string | null {
  if (file.lineCount > limits.maxRequests) return `has ${count(file.lineCount)} requests, more than the ${count(limits.maxRequests)} one batch may hold`
  if (file.bytes > limits.maxBytes) return `is ${count(file.bytes)} bytes, more than the ${count(limits.maxBytes)} one batch may hold`
  return null
}
