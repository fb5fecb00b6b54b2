import 'server-only'
import type { Batch as BatchRow, File as FileRow } from '@/lib/server/db/generated/client'

const seconds = (date: Date | null | undefined) => (date ? Math.floor(date.getTime() / 1000) : null)

/** OpenAI's File object; `status` is deprecated but required by the SDK type, and files here are always processed. */
export function toOpenAIFile(row: FileRow) {
  return {
    id: row.id,
    object: 'file' as const,
    bytes: Number(row.bytes),
    created_at: seconds(row.createdAt)!,
    expires_at: seconds(row.expiresAt),
    filename: row.filename,
    purpose: row.purpose,
    status: 'processed' as const,
    status_details: null,
  }
}

/** OpenAI's Batch object with every key present, null where unset. */
export function toOpenAIBatch(row: BatchRow) {
  const usage =
    row.usageTotalTokens === null
      ? null
      : {
          input_tokens: Number(row.usageInputTokens ?? 0),
          input_tokens_details: { cached_tokens: Number(row.usageCachedTokens ?? 0) },
          output_tokens: Number(row.usageOutputTokens ?? 0),
          output_tokens_details: { reasoning_tokens: Number(row.usageReasoningTokens ?? 0) },
          total_tokens: Number(row.usageTotalTokens),
        }
  const errors = Array.isArray(row.errors) ? { object: 'list' as const, data: row.errors } : null
  return {
    id: row.id,
    object: 'batch' as const,
    endpoint: row.endpoint,
    model: row.model,
    errors,
    // The remote ids keep what the client sent (and produced files' ids) even if a file row is deleted later.
    input_file_id: row.remoteInputFileId ?? row.inputFileId,
    completion_window: row.completionWindow,
    status: row.status,
    output_file_id: row.remoteOutputFileId ?? row.outputFileId,
    error_file_id: row.remoteErrorFileId ?? row.errorFileId,
    created_at: seconds(row.createdAt)!,
    in_progress_at: seconds(row.inProgressAt),
    expires_at: seconds(row.expiresAt),
    finalizing_at: seconds(row.finalizingAt),
    completed_at: seconds(row.completedAt),
    failed_at: seconds(row.failedAt),
    expired_at: seconds(row.expiredAt),
    cancelling_at: seconds(row.cancellingAt),
    cancelled_at: seconds(row.cancelledAt),
    request_counts: { total: row.requestCountTotal, completed: row.requestCountCompleted, failed: row.requestCountFailed },
    usage,
    metadata: (row.metadata as Record<string, string> | null) ?? null,
  }
}

export type OpenAIList<T extends { id: string }> = { object: 'list'; data: T[]; first_id: string | null; last_id: string | null; has_more: boolean }

/** Cursor pages as OpenAI sends them: the SDK pages with the last item's id while has_more is true. */
export function toOpenAIList<T extends { id: string }>(items: T[], limit: number): OpenAIList<T> {
  const data = items.slice(0, limit)
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: items.length > limit }
}
