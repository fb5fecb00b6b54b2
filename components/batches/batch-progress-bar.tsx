import { cn } from '@/components/ui/cn'
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
    <div
      role="progressbar"
      aria-label="Batch progress"
      aria-valuetext={label}
      aria-valuemin={0}
      aria-valuemax={counts.total}
      aria-valuenow={done}
      data-phase={parts.phase}
      title={label}
      className={cn('relative flex w-full overflow-hidden rounded-full bg-subtle', size === 'sm' ? 'h-1.5' : 'h-2.5', busy && 'animate-pulse', className)}
    >
      <div className="h-full bg-success transition-[width] duration-300" style={{ width: `${parts.completed * 100}%` }} />
      <div className="h-full bg-danger transition-[width] duration-300" style={{ width: `${parts.failed * 100}%` }} />
      {parts.phase === 'finalizing' || parts.phase === 'cancelling' ? (
        // Stripes over the whole bar: the lines are done (or stopping), the batch is not.
        <div
          aria-hidden
          className={cn('absolute inset-0', parts.phase === 'cancelling' && 'bg-warning/25')}
          style={{ backgroundImage: 'repeating-linear-gradient(135deg, transparent 0 6px, rgb(255 255 255 / 0.45) 6px 12px)' }}
        />
      ) : null}
    </div>
  )
}
