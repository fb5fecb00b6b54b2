import { batchOutcome, type BatchOutcome } from '@/lib/batch'
import type { JobStatus } from '@/lib/validations/jobs'
import type { JobLineCounts } from './types'

const number = new Intl.NumberFormat('en-US')

const ACTIVE_LABELS: Partial<Record<JobStatus, string>> = { splitting: 'Splitting', running: 'Running', paused: 'Paused', cancelling: 'Cancelling' }

/** A job's badge, as honest as a batch's: a completed job with failed lines is not green. */
export function jobOutcome(status: JobStatus, lines: JobLineCounts): BatchOutcome {
  const { total, succeeded, failed } = lines
  switch (status) {
    case 'completed':
      return batchOutcome('completed', { total, completed: succeeded, failed })
    case 'failed':
      return { tone: 'danger', label: 'Failed' }
    case 'cancelled':
      return {
        tone: succeeded > 0 ? 'warning' : 'danger',
        label: `Cancelled · ${number.format(succeeded)} done / ${number.format(total - succeeded)} not done`,
      }
    case 'paused':
      return { tone: 'warning', label: 'Paused' }
    default:
      return { tone: 'active', label: ACTIVE_LABELS[status] ?? status }
  }
}
