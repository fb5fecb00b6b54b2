import { cn } from './cn'
import { formatNumber } from '@/lib/format'
import type { JobLineCounts } from '@/lib/jobs/types'

/** Lines with a final success in green, final failures in red, the pending rest grey. */
export function JobProgressBar({ lines, size = 'md', className }: { lines: JobLineCounts; size?: 'sm' | 'md'; className?: string }) {
  const share = (count: number) => (lines.total > 0 ? (count / lines.total) * 100 : 0)
  const label = `${formatNumber(lines.succeeded)} succeeded, ${formatNumber(lines.failed)} failed, ${formatNumber(lines.pending)} pending of ${formatNumber(lines.total)}`
  return (
    <div
      role="progressbar"
      aria-label="Job progress"
      aria-valuetext={label}
      aria-valuemin={0}
      aria-valuemax={lines.total}
      aria-valuenow={lines.succeeded + lines.failed}
      title={label}
      className={cn('flex w-full overflow-hidden rounded-full bg-subtle', size === 'sm' ? 'h-1.5' : 'h-2.5', className)}
    >
      <div className="h-full bg-success transition-[width] duration-300" style={{ width: `${share(lines.succeeded)}%` }} />
      <div className="h-full bg-danger transition-[width] duration-300" style={{ width: `${share(lines.failed)}%` }} />
    </div>
  )
}
