// What the dashboard's GET routes return: dates as ISO strings, byte and token counts as numbers.
import type { BatchStatus, RequestCounts } from '@/lib/batch'
import type { ResultStatus } from '@/lib/results/extract'
import type { BatchCost, PriceRow } from '@/lib/pricing'

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
  /** Run by the built-in engine against its simulator: the answers are made up, not a model's. */
  simulated: boolean
  /** Remote batches: when Batchboard last heard from the provider, and why the last try failed (null when it did not). */
  syncedAt: string | null
  syncError: string | null
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
  /** Sum of the lines' output caps, and lines without one; null for files checked before caps were counted. */
  outputTokenCapTotal: number | null
  outputTokenCapMissing: number | null
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
  organization: string | null
  project: string | null
  /** `env`: set by OPENAI_API_KEY (and OPENAI_BASE_URL, …), read-only in the app. */
  source: 'env' | 'user'
  batchCount: number
  /** Whether an OpenAI webhook secret is stored (never the secret). */
  webhookSecretSet: boolean
}

/** What "Import batches" found on a connection. */
export type ImportResult = { seen: number; imported: number }

/** What "Test connection" found with `batches.list({ limit: 1 })`. Never contains the key. */
export type ConnectionTestResult =
  { ok: true; latencyMs: number; batchesSeen: number; hasMore: boolean } | { ok: false; latencyMs: number; status: number | null; message: string }

/** `database: 'ok'` stays for monitors that check it; `engine` and `sync` say whether this process runs them. */
export type Health = { status: 'ok'; database: 'ok'; databaseKind: 'sqlite' | 'postgresql'; engine: boolean; sync: boolean; version: string }

export type SystemInfo = { dataDir: string; databasePath: string; databaseKind: 'sqlite' | 'postgresql'; version: string }

/** An upstream of the built-in engine as the browser sees it: no key, no header values. */
export type UpstreamSummary = {
  id: string
  name: string
  baseUrl: string
  /** Last 4 characters of the key; the rest never leaves the server. */
  apiKeyHint: string | null
  models: string[]
  maxConcurrency: number
  timeoutMs: number
  /** Header names only: values may be secrets. */
  headerNames: string[]
  /** `env`: set by BATCHBOARD_UPSTREAMS, read-only in the app. */
  source: 'env' | 'user'
}

/** The simulator's settings (BATCHBOARD_SIMULATOR_*), read-only in the app. */
export type SimulatorSettings = { latencyMs: number; concurrency: number; errorRate: number; rateLimitRate: number; timeoutRate: number }

export type EngineUpstreams = {
  upstreams: UpstreamSummary[]
  simulator: SimulatorSettings & {
    /** `all`: no other upstream is configured, so every model goes to the simulator; `sim`: only sim-* models. */
    serves: 'all' | 'sim'
  }
}

/** Which upstream would take a model, and why. */
export type ModelRoute = { model: string } & (
  | { upstream: 'simulator'; reason: 'sim-model' | 'no-upstreams' }
  | { upstream: { id: string; name: string }; reason: 'pattern'; pattern: string }
  | { upstream: null; reason: 'no-match' }
)

/** What "Test" found at GET {baseUrl}/models. Never contains the key or a header value. */
export type UpstreamTestResult =
  { ok: true; latencyMs: number; status: number; models: string[] } | { ok: false; latencyMs: number; status: number | null; message: string }

export type ApiKeySummary = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }

/** The one answer that carries a key's plaintext: right after it is created, never again. */
export type CreatedApiKey = ApiKeySummary & { key: string }

export type ApiKeyList = {
  keys: ApiKeySummary[]
  /** Whether BATCHBOARD_API_KEY is set in the server's environment (never its value). */
  envKeySet: boolean
}

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
export type BatchListPage = { data: BatchListItem[]; nextCursor: string | null; total: number | null }

export type FacetCount = { value: string; label: string; count: number }

/** What the batch list's filter menus offer, with how many batches each holds. */
export type BatchFacets = { statuses: FacetCount[]; connections: FacetCount[]; endpoints: FacetCount[]; models: FacetCount[] }

export type ResultIndexState = 'indexing' | 'ready' | 'failed' | 'not_indexed'

/** One row of a batch's results: a request joined to its result (or, with retries, the latest success). */
export type ResultRowSummary = {
  line: number | null
  customId: string
  status: ResultStatus
  statusCode: number | null
  errorCode: string | null
  errorMessage: string | null
  finishReason: string | null
  inputTokens: number | null
  outputTokens: number | null
  totalTokens: number | null
  /** How long the upstream took to answer the final attempt (built-in engine only). */
  latencyMs: number | null
  prompt: string | null
  response: string | null
  imageCount: number
  /** The batch whose result this is: a retry's id once the chain is merged. */
  sourceBatchId: string | null
}

export type ResultPage = {
  index: { state: ResultIndexState; message: string | null }
  data: ResultRowSummary[]
  /** Rows matching the filters (all pages). */
  total: number
  nextOffset: number | null
}

export type ResultFacets = {
  index: { state: ResultIndexState; message: string | null; rowCount: number }
  statuses: { status: ResultStatus; count: number }[]
  errorCodes: { code: string; count: number }[]
  /** Retries of this batch (and theirs), merged into these rows. */
  retryCount: number
}

export type ResultRowDetail = {
  row: ResultRowSummary
  /** The request line and the result line exactly as the files hold them. */
  inputLine: string | null
  resultLine: string | null
}

export type { BatchCost, CostEstimate, PriceRow } from '@/lib/pricing'

/** A row of the effective price table: where it comes from decides what Reset and Delete do. */
export type PriceListRow = PriceRow & {
  /** shipped: as Batchboard ships it; edited: a shipped model with the user's prices; added: the user's own model. */
  source: 'shipped' | 'edited' | 'added'
}

export type PriceTable = {
  rows: PriceListRow[]
  /** Shipped models the user deleted; Reset brings them back. */
  hidden: string[]
  takenAt: string
  source: string
}

export type UsageTotals = {
  batches: number
  inputTokens: number
  cachedTokens: number
  outputTokens: number
  reasoningTokens: number
  totalTokens: number
  /** USD billed (priced batches only). */
  cost: number
  /** USD the same tokens cost as ordinary requests. */
  standardCost: number
  /** Tokens answered by the simulator: free. */
  simulatedTokens: number
  /** Tokens of models without a price: not in `cost`. */
  unpricedTokens: number
  unpricedModels: string[]
}

export type UsageDay = { day: string; cost: number; standardCost: number; inputTokens: number; outputTokens: number; totalTokens: number; batches: number }

export type UsageGroup = {
  key: string
  label: string
  cost: number
  standardCost: number
  totalTokens: number
  batches: number
  /** Tokens that have no price, or were simulated: shown, but not costed. */
  unpricedTokens: number
  simulatedTokens: number
}

export type UsageReport = {
  from: string | null
  to: string | null
  /** Whether any batch exists at all, so an empty range can be told from a new install. */
  anyBatches: boolean
  totals: UsageTotals
  days: UsageDay[]
  models: UsageGroup[]
  connections: UsageGroup[]
}
