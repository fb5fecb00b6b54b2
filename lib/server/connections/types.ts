import 'server-only'
import type { Batch, BatchCreateParams } from 'openai/resources/batches'
import type { FileDeleted, FileObject } from 'openai/resources/files'
import type { ConnectionKind } from '@/lib/types'

// The shapes are OpenAI's own (the SDK's types): every connection speaks the Batch API's wire format, so a batch or
// file from any connection can be stored and shown the same way.

export type RemoteBatch = Batch
export type RemoteFile = FileObject

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

/** A place that runs batches, as the dashboard talks to it. Each call goes to the provider; nothing is cached. */
export interface BatchConnection {
  readonly id: string
  readonly kind: ConnectionKind
  readonly name: string
  listBatches(page?: { after?: string; limit?: number }): Promise<BatchPage>
  retrieveBatch(batchId: string): Promise<RemoteBatch>
  createBatch(params: CreateRemoteBatch): Promise<RemoteBatch>
  cancelBatch(batchId: string): Promise<RemoteBatch>
  /** Streams a file from disk; `filename` must end in .jsonl for purpose "batch" (OpenAI rejects others). */
  uploadFile(params: { path: string; filename: string }): Promise<RemoteFile>
  /** The raw response: read `body` as a stream, or `text()` for small files. */
  fileContent(fileId: string): Promise<Response>
  deleteFile(fileId: string): Promise<FileDeleted>
  /** A failed call in the provider's words (status and message), with this connection's key cut out: some servers echo it. */
  describeError(error: unknown): { status: number | null; message: string }
}
