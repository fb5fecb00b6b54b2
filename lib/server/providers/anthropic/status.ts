import 'server-only'
import type { MessageBatch } from '@anthropic-ai/sdk/resources/messages'
import type { RemoteBatch } from '@/lib/server/connections/types'
import { openAIBatch, unixSeconds, type MappedProviderBatch, type ProviderBatchContext } from '@/lib/server/providers/batch-object'

// Message Batch object (platform.claude.com/docs/en/api/messages/batches/retrieve): processing_status
// in_progress | canceling | ended; request_counts processing / succeeded / errored / canceled / expired; RFC 3339 times.

/**
 * An Anthropic batch as OpenAI's Batch object. `ended` splits three ways: a cancel was asked → cancelled; some
 * requests expired (the 24 h window ran out) → expired; otherwise completed, even when every request errored, as
 * OpenAI does. Anthropic starts processing on create, so in_progress_at is created_at.
 */
export function mapAnthropicBatch(batch: MessageBatch, context: ProviderBatchContext): MappedProviderBatch {
  const counts = batch.request_counts
  const failed = counts.errored + counts.canceled + counts.expired
  const cancelAsked = unixSeconds(batch.cancel_initiated_at)
  let status: RemoteBatch['status'] = 'in_progress'
  if (batch.processing_status === 'canceling') status = 'cancelling'
  if (batch.processing_status === 'ended') status = cancelAsked !== undefined ? 'cancelled' : counts.expired > 0 ? 'expired' : 'completed'
  const createdAt = unixSeconds(batch.created_at) ?? 0
  return {
    providerStatus: batch.processing_status,
    batch: openAIBatch({
      id: batch.id,
      status,
      context,
      createdAt,
      inProgressAt: createdAt,
      endedAt: unixSeconds(batch.ended_at),
      extra: { expires_at: unixSeconds(batch.expires_at), cancelling_at: cancelAsked },
      requestCounts: { total: counts.processing + counts.succeeded + failed, completed: counts.succeeded, failed },
    }),
  }
}
