import { formatNumber } from '@/lib/format'
import type { JobLineCounts } from '@/lib/jobs/types'
import { OutcomeBar } from './outcome-bar'

/** Lines with a final success in green, final failures in red, the pending rest grey. */
export function JobProgressBar({ lines, size = 'md', className }: { lines: JobLineCounts; size?: 'sm' | 'md'; className?: string }) {
  const share = (count: number) => (lines.total > 0 ? count / lines.total : 0)
  return (
    <OutcomeBar
      name="Job progress"
      label={`${formatNumber(lines.succeeded)} succeeded, ${formatNumber(lines.failed)} failed, ${formatNumber(lines.pending)} pending of ${formatNumber(lines.total)}`}
      total={lines.total}
      done={lines.succeeded + lines.failed}
      succeeded={share(lines.succeeded)}
      failed={share(lines.failed)}
      size={size}
      className={className}
    />
  )
}
