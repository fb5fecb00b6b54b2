import { Button } from '@/components/ui/button'
import { ProgressBar } from '@/components/ui/progress-bar'
import { formatNumber } from '@/lib/format'
import { describeTransfer, formatPercent } from './file-format'

export function CheckProgress({
  bytes,
  total,
  lines,
  bytesPerSecond,
  onCancel,
}: {
  bytes: number
  total: number
  lines: number
  bytesPerSecond: number | null
  onCancel: () => void
}) {
  const fraction = total > 0 ? bytes / total : 0
  return (
    <div className="space-y-2.5 px-4 py-4">
      <div className="flex items-center justify-between gap-4 text-sm">
        <span className="font-medium">Checking… {formatPercent(fraction)}</span>
        <Button variant="secondary" size="sm" onClick={onCancel}>
          Cancel
        </Button>
      </div>
      <ProgressBar value={fraction} label="Checking the file" />
      <p className="text-xs text-muted tabular-nums">
        {describeTransfer(bytes, total, bytesPerSecond)} · {formatNumber(lines)} lines read
      </p>
    </div>
  )
}
