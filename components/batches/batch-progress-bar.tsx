import { cn } from '@/components/ui/cn'
import { OutcomeBar } from '@/components/ui/outcome-bar'
import { progressParts, type BatchStatus, type RequestCounts } from '@/lib/batch'
import { formatNumber } from '@/lib/format'

const PHASE_LABELS = { waiting: 'Validating', running: 'Running', finalizing: 'Finalizing results', cancelling: 'Cancelling', done: '' } as const

/**
 * Completed lines in green, failed in red, the rest grey. Finalizing and cancelling stripe the bar, so a batch whose
 * lines are all done but whose results are still being written does not look like a stuck 100 %.
 */
export function BatchProgressBar({
  status,
  counts,
  size = 'md',
  className,
}: {
  status: BatchStatus
  counts: RequestCounts
  size?: 'sm' | 'md'
  className?: string
}) {
  const parts = progressParts(status, counts)
  const done = counts.completed + counts.failed
  const label = `${formatNumber(counts.completed)} completed, ${formatNumber(counts.failed)} failed of ${formatNumber(counts.total)}${PHASE_LABELS[parts.phase] ? ` · ${PHASE_LABELS[parts.phase]}` : ''}`
  const busy = parts.phase === 'finalizing' || parts.phase === 'cancelling' || parts.phase === 'waiting'
  return (
    <OutcomeBar
      name="Batch progress"
      label={label}
      total={counts.total}
      done={done}
      succeeded={parts.completed}
      failed={parts.failed}
      size={size}
      busy={busy}
      className={className}
      data-phase={parts.phase}
    >
      {parts.phase === 'finalizing' || parts.phase === 'cancelling' ? (
        // Stripes over the whole bar: the lines are done (or stopping), the batch is not.
        <div
          aria-hidden
          className={cn('absolute inset-0', parts.phase === 'cancelling' && 'bg-warning/25')}
          style={{ backgroundImage: 'repeating-linear-gradient(135deg, transparent 0 6px, rgb(255 255 255 / 0.45) 6px 12px)' }}
        />
      ) : null}
    </OutcomeBar>
  )
}
