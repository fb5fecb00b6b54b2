import 'server-only'
import type { BatchJob } from '@google/genai'
import type { RemoteBatch } from '@/lib/server/connections/types'
import { openAIBatch, unixSeconds, type MappedProviderBatch, type ProviderBatchContext } from '@/lib/server/providers/batch-object'

// Batch states (ai.google.dev/api/batch-mode#BatchState, BATCH_STATE_*), which @google/genai reports as JOB_STATE_*.

export type GeminiBatchContext = ProviderBatchContext & {
  /** Requests in the batch, known from the input file: the SDK's BatchJob leaves out Gemini's batchStats. */
  total?: number
}

const STATUSES: Record<string, RemoteBatch['status']> = {
  JOB_STATE_UNSPECIFIED: 'validating',
  JOB_STATE_QUEUED: 'validating',
  JOB_STATE_PENDING: 'validating',
  JOB_STATE_RUNNING: 'in_progress',
  JOB_STATE_UPDATING: 'in_progress',
  JOB_STATE_PAUSED: 'in_progress',
  JOB_STATE_SUCCEEDED: 'completed',
  JOB_STATE_PARTIALLY_SUCCEEDED: 'completed',
  JOB_STATE_FAILED: 'failed',
  JOB_STATE_CANCELLING: 'cancelling',
  JOB_STATE_CANCELLED: 'cancelled',
  JOB_STATE_EXPIRED: 'expired',
}

/** A Gemini batch job as OpenAI's Batch object; the job's own state string is kept as providerStatus. */
export function mapGeminiBatch(job: BatchJob, context: GeminiBatchContext): MappedProviderBatch {
  const state = job.state ?? 'JOB_STATE_UNSPECIFIED'
  const status = STATUSES[state] ?? 'in_progress'
  const createdAt = unixSeconds(job.createTime) ?? 0
  const failure = { code: 'provider_failed', message: job.error?.message ?? 'Gemini reports the batch failed.', line: null, param: null }
  return {
    providerStatus: state,
    batch: openAIBatch({
      id: job.name ?? '',
      status,
      context,
      createdAt,
      inProgressAt: status === 'validating' ? undefined : (unixSeconds(job.startTime) ?? createdAt),
      endedAt: unixSeconds(job.endTime) ?? unixSeconds(job.updateTime),
      extra: {
        ...(job.model ? { model: job.model.replace(/^models\//, '') } : {}),
        ...(status === 'failed' ? { errors: { object: 'list', data: [failure] } } : {}),
      },
      requestCounts: { total: context.total ?? 0, completed: 0, failed: 0 },
    }),
  }
}
