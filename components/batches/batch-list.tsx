'use client'

import { Layers } from 'lucide-react'
import { EmptyState } from '@/components/ui/empty-state'
import { ErrorNotice } from '@/components/ui/error-notice'
import { ListSkeleton } from '@/components/ui/skeleton'
import Link from 'next/link'
import { isTerminal } from '@/lib/batch'
import { formatDateTime, formatDuration, formatNumber, formatRelative } from '@/lib/format'
import type { BatchListItem } from '@/lib/types'
import { useBatches } from '@/lib/queries/batches'
import { BatchOutcomeBadge } from './batch-outcome-badge'
import { BatchProgressBar } from './batch-progress-bar'
import { NewBatchButton } from './new-batch-button'
import { SimulatedBadge } from './simulated-badge'

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
            <th className="px-4 py-2.5 font-medium">Progress</th>
            <th className="px-4 py-2.5 font-medium">Created</th>
            <th className="px-4 py-2.5 font-medium">Duration</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-border">
          {data.data.map((batch) => (
            <tr key={batch.id} className="hover:bg-subtle/60">
              <td className="px-4 py-3">
                <Link href={`/batches/${batch.id}`} className="font-medium hover:underline">
                  {batch.description ?? batch.id}
                </Link>
                <div className="text-xs text-muted">{batch.connectionName}{batch.model ? ` · ${batch.model}` : ''}</div>
              </td>
              <td className="px-4 py-3">
                <div className="flex flex-wrap items-center gap-1.5">
                  <BatchOutcomeBadge status={batch.status} counts={batch.requestCounts} />
                  {batch.simulated ? <SimulatedBadge /> : null}
                </div>
              </td>
              <td className="px-4 py-3 font-mono text-xs">{batch.endpoint}</td>
              <td className="w-44 px-4 py-3">
                <BatchProgressBar status={batch.status} counts={batch.requestCounts} size="sm" />
                <div className="mt-1 text-xs text-muted tabular-nums">
                  {formatNumber(batch.requestCounts.completed + batch.requestCounts.failed)}/{formatNumber(batch.requestCounts.total)}
                  {batch.status === 'finalizing' ? ' · finalizing' : batch.status === 'cancelling' ? ' · cancelling' : ''}
                </div>
              </td>
              <td className="px-4 py-3 whitespace-nowrap text-muted" title={formatDateTime(batch.createdAt)}>
                {formatRelative(batch.createdAt)}
              </td>
              <td className="px-4 py-3 whitespace-nowrap text-muted tabular-nums">{describeDuration(batch)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** How long a finished batch took, or how long a running one has left (or has been going, while the pace is unknown). */
function describeDuration(batch: BatchListItem): string {
  const started = batch.inProgressAt ?? batch.createdAt
  if (isTerminal(batch.status)) {
    return batch.endedAt ? formatDuration((new Date(batch.endedAt).getTime() - new Date(started).getTime()) / 1000) : '—'
  }
  if (batch.etaSeconds !== null) return `~${formatDuration(batch.etaSeconds)} left`
  return `${formatDuration((Date.now() - new Date(started).getTime()) / 1000)} so far`
}
