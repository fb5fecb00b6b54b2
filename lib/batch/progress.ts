import type { RequestCounts } from './outcome'
import type { BatchStatus } from './status'

/** The parts of a batch's progress bar, as fractions of its total (0 when the total is not known yet). */
export type ProgressParts = {
  completed: number
  failed: number
  remaining: number
  /**
   * What the bar is showing. `finalizing` and `cancelling` are states of their own: every line may be done while the
   * results are still being written, which must not read as a stuck 100 %.
   */
  phase: 'waiting' | 'running' | 'finalizing' | 'cancelling' | 'done'
}

export function progressParts(status: BatchStatus, counts: RequestCounts): ProgressParts {
  const { total, completed, failed } = counts
  const fraction = (value: number) => (total > 0 ? Math.min(1, Math.max(0, value / total)) : 0)
  const phase: ProgressParts['phase'] =
    status === 'validating'
      ? 'waiting'
      : status === 'in_progress'
        ? 'running'
        : status === 'finalizing'
          ? 'finalizing'
          : status === 'cancelling'
            ? 'cancelling'
            : 'done'
  return { completed: fraction(completed), failed: fraction(failed), remaining: fraction(Math.max(0, total - completed - failed)), phase }
}

/**
 * How long to wait before asking again about an active batch: every second while things change, then half the
 * time since the last change, up to 5 s. A change (counts or status) starts over at 1 s. Depends on time, not on how
 * often it is called, because React Query asks for the interval on every observer update.
 */
export function pollDelay(msSinceChange: number, { minMs = 1_000, maxMs = 5_000 } = {}): number {
  return Math.min(maxMs, Math.max(minMs, Math.round(msSinceChange / 2)))
}
