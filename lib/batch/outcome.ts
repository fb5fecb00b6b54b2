import type { BatchStatus } from './status'
import { STATUS_LABELS } from './status'

export type RequestCounts = { total: number; completed: number; failed: number }

/** How a batch went, as a person would judge it: OpenAI calls a batch whose every line failed "completed". */
export type BatchOutcome = {
  tone: 'success' | 'warning' | 'danger' | 'active' | 'neutral'
  label: string
}

const number = new Intl.NumberFormat('en-US')

export function batchOutcome(status: BatchStatus, counts: RequestCounts): BatchOutcome {
  const { total, completed, failed } = counts
  const notRun = Math.max(0, total - completed - failed)
  switch (status) {
    case 'completed':
      if (total > 0 && failed >= total) return { tone: 'danger', label: `Completed · ${number.format(failed)}/${number.format(total)} failed` }
      if (failed > 0) return { tone: 'warning', label: `Completed · ${number.format(failed)} failed` }
      return { tone: 'success', label: 'Completed' }
    case 'failed':
      return { tone: 'danger', label: 'Failed' }
    case 'expired':
    case 'cancelled':
      return {
        tone: completed > 0 ? 'warning' : 'danger',
        label: `${STATUS_LABELS[status]} · ${number.format(completed)} done / ${number.format(notRun + failed)} not done`,
      }
    case 'validating':
    case 'in_progress':
    case 'finalizing':
    case 'cancelling':
      return { tone: 'active', label: STATUS_LABELS[status] }
  }
}
