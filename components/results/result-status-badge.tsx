import { cn } from '@/components/ui/cn'
import { RESULT_STATUS_LABELS, type ResultStatus } from '@/lib/results/extract'

const TONES: Record<ResultStatus, string> = {
  succeeded: 'bg-success/12 text-success ring-success/30',
  failed: 'bg-danger/12 text-danger ring-danger/30',
  expired: 'bg-warning/15 text-warning ring-warning/35',
  cancelled: 'bg-subtle text-muted ring-border',
  missing: 'bg-warning/15 text-warning ring-warning/35',
  pending: 'bg-accent/10 text-accent ring-accent/30',
}

export function ResultStatusBadge({ status }: { status: ResultStatus }) {
  return (
    <span
      data-status={status}
      className={cn('inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset', TONES[status])}
    >
      {RESULT_STATUS_LABELS[status]}
    </span>
  )
}
