import type { CONNECTION_KINDS } from '@/lib/constants'

export type ConnectionKind = (typeof CONNECTION_KINDS)[number]

export type ConnectionSummary = {
  id: string
  kind: ConnectionKind
  name: string
  baseUrl: string | null
  /** Last 4 characters of the API key, never more. */
  apiKeyHint: string | null
  organization: string | null
  project: string | null
  /** `env`: set by OPENAI_API_KEY (and OPENAI_BASE_URL, …), read-only in the app. */
  source: 'env' | 'user'
  batchCount: number
  /** Whether an OpenAI webhook secret is stored (never the secret). */
  webhookSecretSet: boolean
  /** The connection's own limits (null: the kind's default), for New batch's plan and the connection dialog. */
  maxRequestsPerBatch: number | null
  maxBytesPerBatch: number | null
  enqueuedTokenLimits: Record<string, number> | null
  /** Anthropic: max_tokens for lines that set none (null: such lines are refused). */
  defaultMaxTokens: number | null
}

/** What "Import batches" found on a connection. */
export type ImportResult = { seen: number; imported: number }

/** What "Test connection" found with `batches.list({ limit: 1 })`. Never contains the key. */
export type ConnectionTestResult =
  { ok: true; latencyMs: number; batchesSeen: number; hasMore: boolean } | { ok: false; latencyMs: number; status: number | null; message: string }

/** New batch's check of a stored file against an Anthropic or Gemini connection: the lines that do not translate. */
export type ProviderLineCheck = {
  /** False for kinds that take OpenAI's lines as they are (nothing to check). */
  checked: boolean
  /** The first lines in error, each with what to change. */
  errors: { line: number | null; param: string | null; message: string }[]
  errorCount: number
}
