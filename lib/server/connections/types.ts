import 'server-only'
import type { BatchCreateParams } from 'openai/resources/batches'
import type { BatchStatus } from '@/lib/batch'
import type { BatchLimits } from '@/lib/connections/limits'
import type { ConnectionKind } from '@/lib/types'

// Two layers. A ProviderApi is one kind's wire calls, translated into OpenAI's Batch API shapes (statuses, counts,
// usage, file ids), so everything above it handles a batch from any provider alike. A BatchConnection is what the
// rest of Batchboard calls: the whole life of a batch (start, refresh, cancel, list/import, results, file deletion,
// limits) on one connection. See docs/decisions/048-one-connection-interface.md.

type UnixSeconds = number | null | undefined

/**
 * A batch object in OpenAI's wire shape, as loose as the shapes that fill it: the SDK's Batch, the engine's serializer
 * and the Anthropic/Gemini adapters all satisfy it without a cast. map-batch.ts reads `errors` and `usage` defensively.
 */
export type RemoteBatch = {
  id: string
  object?: 'batch'
  status: string
  endpoint?: string
  model?: string | null
  completion_window?: string
  created_at: number
  input_file_id: string | null
  output_file_id?: string | null
  error_file_id?: string | null
  request_counts?: { total: number; completed: number; failed: number } | null
  metadata?: Record<string, string> | null
  errors?: { object?: string; data?: unknown[] } | null
  usage?: unknown
  in_progress_at?: UnixSeconds
  expires_at?: UnixSeconds
  finalizing_at?: UnixSeconds
  completed_at?: UnixSeconds
  failed_at?: UnixSeconds
  expired_at?: UnixSeconds
  cancelling_at?: UnixSeconds
  cancelled_at?: UnixSeconds
  /** The provider's own status word when it is not OpenAI's (Anthropic `ended`, Gemini `JOB_STATE_SUCCEEDED`), for display. */
  provider_status?: string
}

/** What Batchboard reads of a file object, in OpenAI's wire shape (the SDK's FileObject satisfies it). */
export type RemoteFile = { id: string; object: 'file'; bytes: number; filename: string; purpose: string; created_at: number }

/** One page of batches, newest first; pass `after: lastId` for the next. */
export type BatchPage = { data: RemoteBatch[]; hasMore: boolean; lastId: string | null }

export type CreateRemoteBatch = {
  inputFileId: string
  endpoint: BatchCreateParams['endpoint']
  completionWindow: string
  metadata?: Record<string, string>
  /** OpenAI's output_expires_after.seconds (3600–2592000); omitted when unset. */
  outputExpiresAfterSeconds?: number
}

/** One kind's provider calls in OpenAI's shapes. Each call goes to the provider; nothing is cached. */
export interface ProviderApi {
  listBatches(page?: { after?: string; limit?: number }): Promise<BatchPage>
  retrieveBatch(batchId: string): Promise<RemoteBatch>
  createBatch(params: CreateRemoteBatch): Promise<RemoteBatch>
  cancelBatch(batchId: string): Promise<RemoteBatch>
  /**
   * Makes a stored input file usable by createBatch (its id). OpenAI: an upload, streamed; `filename` must end in
   * .jsonl for purpose "batch". A provider that takes requests inline translates and holds the lines instead.
   */
  uploadFile(params: { path: string; filename: string }): Promise<RemoteFile>
  /** A result file's content as OpenAI-format JSONL: read `body` as a stream, or `text()` for small files. */
  fileContent(fileId: string): Promise<Response>
  deleteFile(fileId: string): Promise<unknown>
  /** A failed call in the provider's words (status and message), with this connection's key cut out: some servers echo it. */
  describeError(error: unknown): { status: number | null; message: string }
}

/** A stored input file, as the batch service hands it to a connection. */
export type StoredInputFile = { id: string; filename: string; storagePath: string | null; endpoint: string }

export type StartBatchInput = {
  file: StoredInputFile
  completionWindow: string
  metadata: Record<string, string> | null
  parentBatchId: string | null
  /** Sent as output_expires_after when set; the provider's default (30 days at OpenAI) otherwise. */
  outputExpiresAfterSeconds?: number | null
}

export type ImportResult = { seen: number; imported: number }

/** A connection's identity and its provider calls: what the sync, the downloads and the cleanup sweep need. */
export interface ProviderConnection {
  readonly id: string
  readonly kind: ConnectionKind
  readonly name: string
  /** The kind's provider calls, in OpenAI's shapes. */
  readonly api: ProviderApi
}

/** A place that runs batches, as the batch service, the sync loop, jobs and the UI's actions talk to it. */
export interface BatchConnection extends ProviderConnection {
  /** False for the built-in engine, whose batch row is the batch; true where Batchboard keeps a synced copy. */
  readonly remote: boolean
  /** What one batch may hold here (lib/connections/limits.ts, with the connection's own overrides). */
  readonly limits: BatchLimits
  /** Starts a batch from a stored input file (uploading it if the kind needs that) and records it; Batchboard's id. */
  createBatch(input: StartBatchInput): Promise<{ id: string }>
  /** Asks the provider for the batch's state now and copies finished results here (joins a refresh under way). */
  refreshBatch(batchId: string): Promise<void>
  cancelBatch(batchId: string): Promise<{ id: string; status: BatchStatus }>
  /** The provider's batches, a page at a time, in OpenAI's shape. */
  listBatches(page?: { after?: string; limit?: number }): Promise<BatchPage>
  /** Records every batch on the provider that Batchboard does not know yet. */
  importBatches(): Promise<ImportResult>
  /** Deletes a finished batch's input, output and error files on the provider (the local copies stay). */
  deleteFiles(batchId: string): Promise<{ deleted: number; pending: number }>
  describeError(error: unknown): { status: number | null; message: string }
}
