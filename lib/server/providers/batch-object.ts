import 'server-only'
import type { RemoteBatch } from '@/lib/server/connections/types'

/** What the caller knows about a provider batch that the provider does not keep: the local input file and the endpoint. */
export type ProviderBatchContext = { inputFileId: string; endpoint?: string; metadata?: Record<string, string> | null }

export type MappedProviderBatch = { batch: RemoteBatch; providerStatus: string }

/** One page of a provider's batches, in its own shape; `lastId` is the cursor for the next page. */
export type BatchListPage<T> = { data: T[]; hasMore: boolean; lastId: string | null }

/** An RFC 3339 time (as Anthropic and Google send them) in unix seconds. */
export const unixSeconds = (iso: string | null | undefined) => (iso ? Math.floor(Date.parse(iso) / 1000) : undefined)

const ENDED_AT: Partial<Record<RemoteBatch['status'], 'completed_at' | 'failed_at' | 'cancelled_at' | 'expired_at'>> = {
  completed: 'completed_at',
  failed: 'failed_at',
  cancelled: 'cancelled_at',
  expired: 'expired_at',
}

/**
 * A provider's batch as OpenAI's Batch object, the shape every connection speaks: `endedAt` lands in the timestamp of
 * the terminal status (completed_at, failed_at, cancelled_at or expired_at).
 */
export function openAIBatch(fields: {
  id: string
  status: RemoteBatch['status']
  context: ProviderBatchContext
  createdAt: number
  inProgressAt?: number
  endedAt?: number
  extra?: Partial<RemoteBatch>
  requestCounts: NonNullable<RemoteBatch['request_counts']>
}): RemoteBatch {
  const endedKey = ENDED_AT[fields.status]
  return {
    id: fields.id,
    object: 'batch',
    endpoint: fields.context.endpoint ?? '/v1/chat/completions',
    input_file_id: fields.context.inputFileId,
    completion_window: '24h',
    status: fields.status,
    created_at: fields.createdAt,
    in_progress_at: fields.inProgressAt,
    ...(endedKey ? { [endedKey]: fields.endedAt } : {}),
    ...fields.extra,
    request_counts: fields.requestCounts,
    metadata: fields.context.metadata ?? null,
  }
}
