import 'server-only'
import type { BatchJob } from '@google/genai'
import type { RemoteBatch } from '@/lib/server/connections/types'

// Batch states (ai.google.dev/api/batch-mode#BatchState, BATCH_STATE_*), which @google/genai reports as JOB_STATE_*.

export type GeminiBatchContext = {
  inputFileId: string
  endpoint?: string
  /** Requests in the batch, known from the input file: the SDK's BatchJob leaves out Gemini's batchStats. */
  total?: number
  metadata?: Record<string, string> | null
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

const seconds = (iso: string | undefined) => (iso ? Math.floor(Date.parse(iso) / 1000) : undefined)

/** A Gemini batch job as OpenAI's Batch object; the job's own state string is kept as providerStatus. */
export function mapGeminiBatch(job: BatchJob, context: GeminiBatchContext): { batch: RemoteBatch; providerStatus: string } {
  const state = job.state ?? 'JOB_STATE_UNSPECIFIED'
  const status = STATUSES[state] ?? 'in_progress'
  const createdAt = seconds(job.createTime) ?? 0
  const ended = seconds(job.endTime) ?? seconds(job.updateTime)
  const started = status === 'validating' ? undefined : (seconds(job.startTime) ?? createdAt)
  return {
    providerStatus: state,
    batch: {
      id: job.name ?? '',
      object: 'batch',
      endpoint: context.endpoint ?? '/v1/chat/completions',
      input_file_id: context.inputFileId,
      completion_window: '24h',
      status,
      created_at: createdAt,
      ...(job.model ? { model: job.model.replace(/^models\//, '') } : {}),
      in_progress_at: started,
      ...(status === 'completed' ? { completed_at: ended } : {}),
      ...(status === 'failed'
        ? {
            failed_at: ended,
            errors: {
              object: 'list',
              data: [{ code: 'provider_failed', message: job.error?.message ?? 'Gemini reports the batch failed.', line: null, param: null }],
            },
          }
        : {}),
      ...(status === 'cancelled' ? { cancelled_at: ended } : {}),
      ...(status === 'expired' ? { expired_at: ended } : {}),
      request_counts: { total: context.total ?? 0, completed: 0, failed: 0 },
      metadata: context.metadata ?? null,
    },
  }
}
