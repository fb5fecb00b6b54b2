'use client'

import { ArrowDown, ArrowUp, Layers, SearchX } from 'lucide-react'
import Link from 'next/link'
import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { useCallback, useMemo } from 'react'
import { PANEL } from '@/components/ui/card'
import { cn } from '@/components/ui/cn'
import { Button } from '@/components/ui/button'
import { EmptyState } from '@/components/ui/empty-state'
import { ErrorNotice } from '@/components/ui/error-notice'
import { ListSkeleton } from '@/components/ui/skeleton'
import { isTerminal } from '@/lib/batch'
import { filtersFromParams, filtersToSearch, isFiltered, type BatchFilters } from '@/lib/batch/list-filters'
import { BUILTIN_CONNECTION_ID } from '@/lib/constants'
import { formatDateTime, formatDuration, formatNumber, formatRelative } from '@/lib/format'
import { describeCost } from '@/lib/pricing'
import type { BatchListItem } from '@/lib/types'
import type { BatchSort } from '@/lib/validations/batches'
import { useBatches } from '@/lib/queries/batches'
import { BatchFilterBar } from './batch-filter-bar'
import { BatchOutcomeBadge } from './batch-outcome-badge'
import { BatchProgressBar } from './batch-progress-bar'
import { NewBatchButton } from './new-batch-button'
import { SimulatedBadge } from './simulated-badge'

/** Filters live in the query string, so a filtered list can be shared and survives a reload. */
function useListFilters(): [BatchFilters, (filters: BatchFilters) => void] {
  const params = useSearchParams()
  const router = useRouter()
  const pathname = usePathname()
  const search = params.toString()
  const filters = useMemo(() => filtersFromParams(new URLSearchParams(search)), [search])
  const setFilters = useCallback((next: BatchFilters) => router.replace(`${pathname}${filtersToSearch(next)}`, { scroll: false }), [router, pathname])
  return [filters, setFilters]
}

export function BatchList() {
  const [filters, setFilters] = useListFilters()
  const { data, error, isPending, refetch, hasNextPage, fetchNextPage, isFetchingNextPage } = useBatches(filters)
  const filtered = isFiltered(filters)
  const clear = () => setFilters({ sort: filters.sort, order: filters.order })

  let body
  if (isPending) body = <ListSkeleton label="Loading batches" />
  else if (error) body = <ErrorNotice title="Could not load batches" message={error.message} onRetry={() => void refetch()} />
  else {
    const batches = data.pages.flatMap((page) => page.data)
    const total = data.pages[0]?.total ?? batches.length
    if (batches.length === 0 && filtered) {
      body = (
        <EmptyState
          icon={SearchX}
          title="No batch matches these filters"
          action={
            <Button variant="secondary" onClick={clear}>
              Clear filters
            </Button>
          }
        >
          Try fewer statuses, another connection, or a shorter search.
        </EmptyState>
      )
    } else if (batches.length === 0) {
      body = (
        <EmptyState icon={Layers} title="No batches yet" action={<NewBatchButton />}>
          Start one from a <code className="font-mono">.jsonl</code> file: it runs on the built-in engine out of the box, or on OpenAI once you add a
          connection.
        </EmptyState>
      )
    } else {
      body = (
        <div className="space-y-3">
          <BatchTable batches={batches} filters={filters} onSort={setFilters} />
          <div className="flex items-center justify-between text-xs text-muted">
            <span aria-live="polite">
              Showing {formatNumber(batches.length)} of {formatNumber(total)} {total === 1 ? 'batch' : 'batches'}
            </span>
            {hasNextPage ? (
              <Button variant="secondary" size="sm" disabled={isFetchingNextPage} onClick={() => void fetchNextPage()}>
                {isFetchingNextPage ? 'Loading…' : 'Load more'}
              </Button>
            ) : null}
          </div>
        </div>
      )
    }
  }
  // A new install shows only the empty state: nothing to filter yet.
  const empty = !filtered && data?.pages[0]?.data.length === 0
  return (
    <div className="space-y-4">
      {empty ? null : <BatchFilterBar filters={filters} onChange={setFilters} />}
      {body}
    </div>
  )
}

/** Created and requests read best biggest-first; status reads best A→Z. */
const FIRST_ORDER: Record<BatchSort, 'asc' | 'desc'> = { created: 'desc', status: 'asc', requests: 'desc' }

function SortHeader({ label, sort, filters, onSort }: { label: string; sort: BatchSort; filters: BatchFilters; onSort: (filters: BatchFilters) => void }) {
  const active = (filters.sort ?? 'created') === sort
  const order = filters.order ?? 'desc'
  const next = active ? (order === 'asc' ? 'desc' : 'asc') : FIRST_ORDER[sort]
  const Arrow = order === 'asc' ? ArrowUp : ArrowDown
  return (
    <th className="px-4 py-2.5 font-medium" aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button
        type="button"
        className="inline-flex items-center gap-1 uppercase hover:text-foreground"
        onClick={() => onSort({ ...filters, sort, order: next })}
      >
        {label}
        {active ? <Arrow aria-hidden className="size-3" /> : null}
      </button>
    </th>
  )
}

function BatchTable({ batches, filters, onSort }: { batches: BatchListItem[]; filters: BatchFilters; onSort: (filters: BatchFilters) => void }) {
  return (
    <div className={cn(PANEL, 'overflow-x-auto')}>
      <table className="w-full text-left text-sm">
        <thead className="border-b border-border text-xs text-muted uppercase">
          <tr>
            <th className="px-4 py-2.5 font-medium">Batch</th>
            <SortHeader label="Status" sort="status" filters={filters} onSort={onSort} />
            <th className="px-4 py-2.5 font-medium">Endpoint</th>
            <SortHeader label="Requests" sort="requests" filters={filters} onSort={onSort} />
            <SortHeader label="Created" sort="created" filters={filters} onSort={onSort} />
            <th className="px-4 py-2.5 font-medium">Duration</th>
            <th className="px-4 py-2.5 text-right font-medium">Cost</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-border">
          {batches.map((batch) => (
            <tr key={batch.id} className="hover:bg-subtle/60">
              <td className="px-4 py-3">
                <Link href={`/batches/${batch.id}`} className="font-medium hover:underline">
                  {batch.description ?? batch.id}
                </Link>
                <div className="text-xs text-muted">
                  {batch.connectionName}
                  {batch.model ? ` · ${batch.model}` : ''}
                  {batch.syncedAt && batch.connectionId !== BUILTIN_CONNECTION_ID ? ` · synced ${formatRelative(batch.syncedAt)}` : ''}
                </div>
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
              <CostCell batch={batch} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

const COST_TONES = { default: '', muted: 'text-muted', warning: 'text-warning' } as const

function CostCell({ batch }: { batch: BatchListItem }) {
  const { label, detail, tone } = describeCost(batch.cost)
  return (
    <td className={`px-4 py-3 text-right whitespace-nowrap tabular-nums ${COST_TONES[tone]}`} title={detail}>
      {label}
      <span className="sr-only"> ({detail})</span>
    </td>
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
