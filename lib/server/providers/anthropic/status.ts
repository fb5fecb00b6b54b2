import 'server-only'
import type { MessageBatch } from '@anthropic-ai/sdk/resources/messages'
import type { RemoteBatch } from '@/lib/server/connections/types'

// Message Batch object (platform.claude.com/docs/en/api/messages/batches/retrieve): processing_status
// in_progress | canceling | ended; request_counts processing / succeeded / errored / canceled / expired; RFC 3339 times.

/** What the caller knows about the batch that Anthropic does not keep: the local input file and the endpoint. */
export type AnthropicBatchContext = { inputFileId: string; endpoint?: string; metadata?: Record<string, string> | null }

export type MappedProviderBatch = { batch: RemoteBatch; providerStatus: string }

const seconds = (iso: string | null | undefined) => (iso ? Math.floor(Date.parse(iso) / 1000) : undefined)

/**
 * An Anthropic batch as OpenAI's Batch object. `ended` splits three ways: a cancel was asked → cancelled; some
 * requests expired (the 24 h window ran out) → expired; otherwise completed, even when every request errored, as
 * OpenAI does. Anthropic starts processing on create, so in_progress_at is created_at.
 */
export function mapAnthropicBatch(batch: MessageBatch, context: AnthropicBatchContext): MappedProviderBatch {
  const counts = batch.request_counts
  const failed = counts.errored + counts.canceled + counts.expired
  const ended = seconds(batch.ended_at)
  const cancelAsked = seconds(batch.cancel_initiated_at)
  let status: RemoteBatch['status'] = 'in_progress'
  if (batch.processing_status === 'canceling') status = 'cancelling'
  if (batch.processing_status === 'ended') status = cancelAsked !== undefined ? 'cancelled' : counts.expired > 0 ? 'expired' : 'completed'
  const createdAt = seconds(batch.created_at) ?? 0
  return {
    providerStatus: batch.processing_status,
    batch: {
      id: batch.id,
      object: 'batch',
      endpoint: context.endpoint ?? '/v1/chat/completions',
      input_file_id: context.inputFileId,
      completion_window: '24h',
      status,
      created_at: createdAt,
      in_progress_at: createdAt,
      expires_at: seconds(batch.expires_at),
      cancelling_at: cancelAsked,
      ...(status === 'completed' ? { completed_at: ended } : {}),
      ...(status === 'cancelled' ? { cancelled_at: ended } : {}),
      ...(status === 'expired' ? { expired_at: ended } : {}),
      request_counts: { total: counts.processing + counts.succeeded + failed, completed: counts.succeeded, failed },
      metadata: context.metadata ?? null,
    },
  }
}
