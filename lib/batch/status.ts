// OpenAI's batch lifecycle (https://platform.openai.com/docs/guides/batch, "Check the status of a batch").
export const BATCH_STATUSES = ['validating', 'failed', 'in_progress', 'finalizing', 'completed', 'expired', 'cancelling', 'cancelled'] as const

export type BatchStatus = (typeof BATCH_STATUSES)[number]

export function isBatchStatus(value: string): value is BatchStatus {
  return (BATCH_STATUSES as readonly string[]).includes(value)
}

/**
 * A status read back from the database (lib/server/db parses every Batch row's once). Only the engine and the
 * connection adapters write it, and only OpenAI's statuses, so anything else is a bug to report, not to display.
 */
export function parseBatchStatus(value: string): BatchStatus {
  if (!isBatchStatus(value)) throw new Error(`The database holds a batch with the unknown status "${value}".`)
  return value
}

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
