import { OutcomeBadge } from '@/components/ui/outcome-badge'
import { batchOutcome, type BatchStatus, type RequestCounts } from '@/lib/batch'

export function BatchOutcomeBadge({ status, counts }: { status: BatchStatus; counts: RequestCounts }) {
  return <OutcomeBadge outcome={batchOutcome(status, counts)} />
}
