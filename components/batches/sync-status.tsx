'use client'

import { RefreshCw } from 'lucide-react'
import { toast } from 'sonner'
import { Button } from '@/components/ui/button'
import { isTerminal } from '@/lib/batch'
import { formatDateTime, formatRelative } from '@/lib/format'
import { useRefreshBatch } from '@/lib/queries/batches'
import type { BatchDetail } from '@/lib/types'

/**
 * Where a remote batch's numbers come from: when Batchboard last heard from the provider, what went wrong if the last
 * try failed, and a Refresh that asks now (the page itself only reads the database).
 */
export function SyncStatus({ batch }: { batch: BatchDetail }) {
  const refresh = useRefreshBatch(batch.id)
  const copying = isTerminal(batch.status) && batch.nextSyncAt !== null
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-muted" aria-live="polite">
      <span>
        {batch.syncedAt ? (
          <>
            Last synced with {batch.connectionName}{' '}
            <time dateTime={batch.syncedAt} title={formatDateTime(batch.syncedAt)}>
              {formatRelative(batch.syncedAt)}
            </time>
          </>
        ) : (
          `Not synced with ${batch.connectionName} yet`
        )}
        {copying ? ' · copying the result files here' : ''}
      </span>
      {batch.syncError ? (
        <span role="status" className="text-warning">
          Last try failed: {batch.syncError} (retrying with backoff)
        </span>
      ) : null}
      <Button
        variant="ghost"
        size="sm"
        onClick={() =>
          refresh.mutate(undefined, {
            onSuccess: (fresh) =>
              fresh.syncError ? toast.error('Refresh failed', { description: fresh.syncError }) : toast.success('Refreshed from the provider'),
            onError: (error) => toast.error('Refresh failed', { description: error.message }),
          })
        }
        disabled={refresh.isPending}
      >
        <RefreshCw aria-hidden className={refresh.isPending ? 'size-3.5 animate-spin' : 'size-3.5'} />
        Refresh
      </Button>
    </div>
  )
}
