import { Card, PANEL } from '@/components/ui/card'
import { cn } from '@/components/ui/cn'
import { STATUS_LABELS } from '@/lib/batch'
import { formatDateTime, formatDuration, formatNumber, formatRelative } from '@/lib/format'
import type { BatchDetail, BatchTimeline } from '@/lib/types'
import { BatchProgressBar } from './batch-progress-bar'

function describePace(batch: BatchDetail): string | null {
  const { progress, status } = batch
  switch (status) {
    case 'validating':
      return 'Checking the input file before any line runs.'
    case 'finalizing':
      return 'Every line is done; writing the output and error files.'
    case 'cancelling':
      return 'Stopping: lines in flight finish, the rest are written as cancelled.'
    case 'in_progress': {
      if (progress.linesPerSecond <= 0) return 'Waiting for the first answers…'
      const rate = progress.linesPerSecond >= 10 ? formatNumber(Math.round(progress.linesPerSecond)) : progress.linesPerSecond.toFixed(1)
      return `${rate} lines/s${progress.etaSeconds === null ? '' : ` · about ${formatDuration(progress.etaSeconds)} left`}`
    }
    case 'failed':
      return batch.requestCounts.total === 0 ? 'No line ran: the batch failed before it started (see the errors below).' : null
    default:
      return null
  }
}

/** Where a batch stands: progress bar, counts by outcome, pace and timing. */
export function ProgressCard({ batch }: { batch: BatchDetail }) {
  const { total, completed, failed, remaining } = batch.progress
  const pace = describePace(batch)
  const started = batch.timeline.inProgressAt
  const ended = batch.timeline.completedAt ?? batch.timeline.failedAt ?? batch.timeline.expiredAt ?? batch.timeline.cancelledAt
  const took = started && ended ? (new Date(ended).getTime() - new Date(started).getTime()) / 1000 : null
  return (
    <section aria-labelledby="progress-heading" className={cn(PANEL, 'space-y-3 px-4 py-4')}>
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h2 id="progress-heading" className="text-sm font-semibold">
          Progress · <span className="font-normal text-muted">{STATUS_LABELS[batch.status]}</span>
        </h2>
        <p className="text-sm tabular-nums">
          <span className="font-semibold">
            {formatNumber(completed + failed)}/{formatNumber(total)}
          </span>{' '}
          <span className="text-muted">done</span>
        </p>
      </div>
      <BatchProgressBar status={batch.status} counts={batch.requestCounts} />
      <div className="flex flex-wrap items-center justify-between gap-3 text-xs text-muted">
        <span className="flex flex-wrap gap-x-4">
          <Legend className="bg-success" label={`${formatNumber(completed)} completed`} />
          <Legend className="bg-danger" label={`${formatNumber(failed)} failed`} />
          <Legend className="bg-subtle ring-1 ring-border" label={`${formatNumber(remaining)} remaining`} />
        </span>
        <span>{pace ?? (took !== null ? `Took ${formatDuration(took)}` : null)}</span>
      </div>
    </section>
  )
}

function Legend({ className, label }: { className: string; label: string }) {
  return (
    <span className="inline-flex items-center gap-1.5">
      <span aria-hidden className={`size-2 rounded-full ${className}`} />
      {label}
    </span>
  )
}

const TIMELINE: { key: keyof BatchTimeline; label: string }[] = [
  { key: 'createdAt', label: 'Created' },
  { key: 'inProgressAt', label: 'In progress' },
  { key: 'finalizingAt', label: 'Finalizing' },
  { key: 'completedAt', label: 'Completed' },
  { key: 'failedAt', label: 'Failed' },
  { key: 'cancellingAt', label: 'Cancelling' },
  { key: 'cancelledAt', label: 'Cancelled' },
  { key: 'expiredAt', label: 'Expired' },
]

/** When each stage of the batch happened. */
export function Timeline({ timeline }: { timeline: BatchTimeline }) {
  const events = TIMELINE.flatMap(({ key, label }) => (timeline[key] ? [{ label, at: timeline[key] }] : [])).sort((a, b) => a.at.localeCompare(b.at))
  return (
    <Card padded={false} title="Timeline" id="timeline-heading">
      <ol className="space-y-3 px-4 py-4 text-sm">
        {events.map(({ label, at }) => (
          <TimelineItem key={label} label={label} at={at} />
        ))}
        {timeline.expiresAt ? <TimelineItem label="Window ends" at={timeline.expiresAt} muted /> : null}
      </ol>
    </Card>
  )
}

function TimelineItem({ label, at, muted = false }: { label: string; at: string; muted?: boolean }) {
  return (
    <li className="flex items-baseline gap-3">
      <span aria-hidden className={`size-2 shrink-0 translate-y-[-1px] rounded-full ${muted ? 'bg-border' : 'bg-accent'}`} />
      <span className={`w-28 shrink-0 font-medium ${muted ? 'text-muted' : ''}`}>{label}</span>
      <time dateTime={at} className="tabular-nums">
        {formatDateTime(at)}
      </time>
      <span className="text-xs text-muted">{formatRelative(at)}</span>
    </li>
  )
}
