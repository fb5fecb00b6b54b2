'use client'

import { ArrowDown, ArrowUp, ChevronRight, Layers, SearchX } from 'lucide-react'
import Link from 'next/link'
import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { useCallback, useMemo, useState } from 'react'
import { PANEL } from '@/components/ui/card'
import { cn } from '@/components/ui/cn'
import { Button } from '@/components/ui/button'
import { EmptyState } from '@/components/ui/empty-state'
import { ErrorNotice } from '@/components/ui/error-notice'
import { ListSkeleton } from '@/components/ui/skeleton'
import { isTerminal } from '@/lib/batch'
import { groupByJob, type BatchListEntry } from '@/lib/batch/job-groups'
import { filtersFromParams, filtersToSearch, isFiltered, type BatchFilters } from '@/lib/batch/list-filters'
import { BUILTIN_CONNECTION_ID } from '@/lib/constants'
import { formatDateTime, formatDuration, formatNumber, formatRelative } from '@/lib/format'
import { jobOutcome } from '@/lib/jobs/outcome'
import { describeCost } from '@/lib/pricing'
import type { BatchListItem, BatchListJob } from '@/lib/types'
import type { BatchSort } from '@/lib/validations/batches'
import { useBatches } from '@/lib/queries/batches'
import { OutcomeBadge } from '@/components/ui/outcome-badge'
import { JobProgressBar } from '@/components/ui/job-progress-bar'
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
    const jobs: Record<string, BatchListJob> = Object.fromEntries(data.pages.flatMap((page) => Object.entries(page.jobs)))
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
          <BatchTable entries={groupByJob(batches, jobs)} filters={filters} onSort={setFilters} />
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

function BatchTable({ entries, filters, onSort }: { entries: BatchListEntry[]; filters: BatchFilters; onSort: (filters: BatchFilters) => void }) {
  // Jobs start folded: a job of 40 parts is one row until it is opened.
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set())
  const toggle = (jobId: string) => setOpen((now) => (now.has(jobId) ? new Set([...now].filter((id) => id !== jobId)) : new Set([...now, jobId])))
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
          {entries.flatMap((entry) =>
            entry.kind === 'batch'
              ? [<BatchRow key={entry.batch.id} batch={entry.batch} />]
              : [
                  <JobRow key={entry.jobId} entry={entry} open={open.has(entry.jobId)} onToggle={() => toggle(entry.jobId)} />,
                  ...(open.has(entry.jobId) ? entry.parts.map((batch) => <BatchRow key={batch.id} batch={batch} part />) : []),
                ],
          )}
        </tbody>
      </table>
    </div>
  )
}

/** A job's folded row: what it is, how far its lines are, and how many of its parts this list holds. */
function JobRow({ entry, open, onToggle }: { entry: Extract<BatchListEntry, { kind: 'job' }>; open: boolean; onToggle: () => void }) {
  const { job, jobId, parts } = entry
  const [latest] = parts
  const partCount = job?.partCount ?? parts.length
  const requests = parts.reduce((sum, batch) => sum + batch.requestCounts.total, 0)
  return (
    <tr className="bg-subtle/40 hover:bg-subtle/70" data-job={jobId}>
      <td className="px-4 py-3">
        <div className="flex items-start gap-2">
          <button
            type="button"
            onClick={onToggle}
            aria-expanded={open}
            aria-label={`${open ? 'Hide' : 'Show'} the ${formatNumber(parts.length)} ${parts.length === 1 ? 'batch' : 'batches'} of job ${jobId}`}
            className="mt-0.5 rounded text-muted hover:text-foreground focus-visible:ring-2 focus-visible:ring-accent focus-visible:outline-none"
          >
            <ChevronRight aria-hidden className={cn('size-4 transition-transform', open ? 'rotate-90' : '')} />
          </button>
          <div className="min-w-0">
            <Link href={`/jobs/${jobId}`} className="font-medium hover:underline">
              {job?.description ?? jobId}
            </Link>
            <div className="text-xs text-muted">
              Job · {formatNumber(partCount)} {partCount === 1 ? 'part' : 'parts'}
              {parts.length < partCount ? ` (${formatNumber(parts.length)} listed)` : ''}
              {latest ? ` · ${latest.connectionName}` : ''}
            </div>
          </div>
        </div>
      </td>
      <td className="px-4 py-3">{job ? <OutcomeBadge outcome={jobOutcome(job.status, job.lines)} /> : null}</td>
      <td className="px-4 py-3 font-mono text-xs">{latest?.endpoint}</td>
      <td className="w-44 px-4 py-3">
        {job ? (
          <>
            <JobProgressBar lines={job.lines} size="sm" />
            <div className="mt-1 text-xs text-muted tabular-nums">
              {formatNumber(job.lines.succeeded + job.lines.failed)}/{formatNumber(job.lines.total)} lines
            </div>
          </>
        ) : (
          <div className="text-xs text-muted tabular-nums">{formatNumber(requests)} requests</div>
        )}
      </td>
      <td className="px-4 py-3 whitespace-nowrap text-muted" title={latest ? formatDateTime(latest.createdAt) : undefined}>
        {latest ? formatRelative(latest.createdAt) : null}
      </td>
      <td className="px-4 py-3" />
      <td className="px-4 py-3" />
    </tr>
  )
}

function BatchRow({ batch, part = false }: { batch: BatchListItem; part?: boolean }) {
  return (
    <tr className="hover:bg-subtle/60" data-part-of={part ? (batch.jobId ?? undefined) : undefined}>
      <td className={cn('py-3 pr-4', part ? 'pl-10' : 'pl-4')}>
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
