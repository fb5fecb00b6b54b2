'use client'

import { Layers } from 'lucide-react'
import { EmptyState } from '@/components/ui/empty-state'
import { ErrorNotice } from '@/components/ui/error-notice'
import { ListSkeleton } from '@/components/ui/skeleton'
import { formatNumber, formatRelative } from '@/lib/format'
import { useBatches } from '@/lib/queries/batches'
import { BatchOutcomeBadge } from './batch-outcome-badge'
import { NewBatchButton } from './new-batch-button'

export function BatchList() {
  const { data, error, isPending, refetch } = useBatches()
  if (isPending) return <ListSkeleton label="Loading batches" />
  if (error) return <ErrorNotice title="Could not load batches" message={error.message} onRetry={() => void refetch()} />
  if (data.data.length === 0) {
    return (
      <EmptyState
        icon={Layers}
        title="No batches yet"
        action={<NewBatchButton />}
      >
        Start one from a <code className="font-mono">.jsonl</code> file: it runs on the built-in engine out of the box, or on
        OpenAI once you add a connection.
      </EmptyState>
    )
  }
  return (
    <div className="overflow-x-auto rounded-xl border border-border bg-surface">
      <table className="w-full text-left text-sm">
        <thead className="border-b border-border text-xs text-muted uppercase">
          <tr>
            <th className="px-4 py-2.5 font-medium">Batch</th>
            <th className="px-4 py-2.5 font-medium">Status</th>
            <th className="px-4 py-2.5 font-medium">Endpoint</th>
            <th className="px-4 py-2.5 text-right font-medium">Requests</th>
            <th className="px-4 py-2.5 font-medium">Created</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-border">
          {data.data.map((batch) => (
            <tr key={batch.id} className="hover:bg-subtle/60">
              <td className="px-4 py-3">
                <div className="font-medium">{batch.description ?? batch.id}</div>
                <div className="text-xs text-muted">{batch.connectionName}{batch.model ? ` · ${batch.model}` : ''}</div>
              </td>
              <td className="px-4 py-3">
                <BatchOutcomeBadge status={batch.status} counts={batch.requestCounts} />
              </td>
              <td className="px-4 py-3 font-mono text-xs">{batch.endpoint}</td>
              <td className="px-4 py-3 text-right tabular-nums">{formatNumber(batch.requestCounts.total)}</td>
              <td className="px-4 py-3 text-muted" title={batch.createdAt}>
                {formatRelative(batch.createdAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
