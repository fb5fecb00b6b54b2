// OpenAI's batch lifecycle (https://platform.openai.com/docs/guides/batch, "Check the status of a batch").
export const BATCH_STATUSES = ['validating', 'failed', 'in_progress', 'finalizing', 'completed', 'expired', 'cancelling', 'cancelled'] as const

export type BatchStatus = (typeof BATCH_STATUSES)[number]

export const TERMINAL_STATUSES: readonly BatchStatus[] = ['completed', 'failed', 'expired', 'cancelled']

export function isTerminal(status: BatchStatus | undefined): boolean {
  return status !== undefined && TERMINAL_STATUSES.includes(status)
}

export const STATUS_LABELS: Record<BatchStatus, string> = {
  validating: 'Validating',
  failed: 'Failed',
  in_progress: 'In progress',
  finalizing: 'Finalizing',
  completed: 'Completed',
  expired: 'Expired',
  cancelling: 'Cancelling',
  cancelled: 'Cancelled',
}
