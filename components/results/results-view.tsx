'use client'

import { ArrowLeft, Download, RotateCcw, Search, TableProperties } from 'lucide-react'
import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { toast } from 'sonner'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { EmptyState } from '@/components/ui/empty-state'
import { ErrorNotice } from '@/components/ui/error-notice'
import { Input } from '@/components/ui/input'
import { ListSkeleton } from '@/components/ui/skeleton'
import { cn } from '@/components/ui/cn'
import { Select } from '@/components/ui/select'
import { formatNumber } from '@/lib/format'
import { isListable } from '@/lib/results/index-state'
import { RESULT_STATUS_LABELS, type ResultStatus } from '@/lib/results/extract'
import { useBatch } from '@/lib/queries/batches'
import { useConnections } from '@/lib/queries/connections'
import { isJobEnded, useJob } from '@/lib/queries/jobs'
import { resultsPath, useResultFacets, useResultPage, useRetryLines, viewParams, type ResultSource, type ResultView } from '@/lib/queries/results'
import { withQuery } from '@/lib/queries/fetch-json'
import type { ResultFacets } from '@/lib/types'
import type { ResultSort } from '@/lib/validations/results'
import { ResultDrawer } from './result-drawer'
import { ResultTable } from './result-table'

const SEARCH_DEBOUNCE_MS = 300
const RETRYABLE: ResultStatus[] = ['failed', 'expired', 'cancelled', 'missing']

/** The results explorer of a batch, or of a whole job (one row per input line, its latest answer). */
export function ResultsView({ source }: { source: ResultSource }) {
  const batch = useBatch(source.kind === 'batch' ? source.id : null)
  const job = useJob(source.kind === 'job' ? source.id : null)
  const owner = source.kind === 'batch' ? batch.data : job.data
  const ownerName = owner?.description ?? source.id
  // A running job's rows are filled in as its parts end.
  const live = job.data !== undefined && !isJobEnded(job.data.status)
  const [view, setView] = useState<ResultView>({ sort: 'line', order: 'asc' })
  const [search, setSearch] = useState('')
  const [openIndex, setOpenIndex] = useState<number | null>(null)
  const facets = useResultFacets(source, live)
  const page = useResultPage(source, view, live)
  const rows = useMemo(() => page.data?.pages.flatMap((p) => p.data) ?? [], [page.data])
  const total = page.data?.pages[0]?.total ?? 0

  useEffect(() => {
    const q = search.trim() || undefined
    if (q === view.q) return
    const timer = setTimeout(() => setView((current) => ({ ...current, q })), SEARCH_DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [search, view.q])

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = page
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage()
  }, [hasNextPage, isFetchingNextPage, fetchNextPage])

  const toggleStatus = (status: ResultStatus | null) =>
    setView((current) => {
      const selected = current.status ?? []
      const next = status === null ? [] : selected.includes(status) ? selected.filter((s) => s !== status) : [...selected, status]
      return { ...current, status: next.length ? next : undefined, errorCode: undefined }
    })
  const onSort = (sort: ResultSort) => setView((current) => ({ ...current, sort, order: current.sort === sort && current.order === 'asc' ? 'desc' : 'asc' }))

  const state = facets.data?.index.state
  return (
    <div className="space-y-5">
      <div className="space-y-3">
        <Link
          href={`/${source.kind === 'job' ? 'jobs' : 'batches'}/${source.id}`}
          className="inline-flex items-center gap-1.5 text-sm text-muted hover:text-foreground"
        >
          <ArrowLeft aria-hidden className="size-4" />
          {ownerName}
        </Link>
        <header className="flex flex-col gap-3 border-b border-border pb-4 md:flex-row md:items-end md:justify-between">
          <div className="space-y-1">
            <h1 className="text-2xl font-semibold tracking-tight">Results</h1>
            <p className="text-sm text-muted">
              Each request joined to its result by custom_id
              {facets.data && facets.data.retryCount > 0
                ? ` · ${facets.data.retryCount} ${facets.data.retryCount === 1 ? 'retry' : 'retries'} merged: each line shows its latest success`
                : ''}
            </p>
            {state === 'ready' && facets.data?.index.message ? (
              <p role="status" className="text-sm text-warning">
                {facets.data.index.message}
              </p>
            ) : state === 'live' && facets.data?.index.message ? (
              <p role="status" className="inline-flex items-center gap-2 text-sm text-muted">
                <span aria-hidden className="size-2 animate-pulse rounded-full bg-accent" />
                {facets.data.index.message}
              </p>
            ) : null}
          </div>
          {isListable(state) && facets.data ? <Actions source={source} facets={facets.data} view={view} /> : null}
        </header>
      </div>
      {facets.error ? (
        <ErrorNotice title="Could not load the results" message={facets.error.message} onRetry={() => void facets.refetch()} />
      ) : !facets.data || state === 'indexing' ? (
        <div className="space-y-2">
          <p role="status" className="text-sm text-muted">
            {state === 'indexing' ? 'Indexing the input, output and error files…' : 'Loading…'}
          </p>
          <ListSkeleton rows={6} label="Loading results" />
        </div>
      ) : state === 'failed' ? (
        <ErrorNotice title="The results could not be indexed" message={facets.data.index.message ?? 'Open the page again to retry.'} />
      ) : state === 'not_indexed' ? (
        <EmptyState icon={TableProperties} title="No results yet">
          {facets.data.index.message}
        </EmptyState>
      ) : (
        <>
          <div className="flex flex-col gap-3 lg:flex-row lg:items-center lg:justify-between">
            <div role="group" aria-label="Filter by status" className="flex flex-wrap gap-2">
              <Chip label="All" count={facets.data.index.rowCount} pressed={!view.status?.length} onClick={() => toggleStatus(null)} />
              {facets.data.statuses
                .filter((s) => s.count > 0)
                .map((s) => (
                  <Chip
                    key={s.status}
                    label={RESULT_STATUS_LABELS[s.status]}
                    count={s.count}
                    pressed={view.status?.includes(s.status) ?? false}
                    onClick={() => toggleStatus(s.status)}
                  />
                ))}
            </div>
            <div className="flex flex-wrap items-center gap-2">
              {facets.data.errorCodes.length > 0 ? (
                <Select
                  aria-label="Error code"
                  value={view.errorCode ?? ''}
                  onChange={(event) => setView((current) => ({ ...current, errorCode: event.target.value || undefined }))}
                >
                  <option value="">Any error code</option>
                  {facets.data.errorCodes.map((code) => (
                    <option key={code.code} value={code.code}>
                      {code.code} ({formatNumber(code.count)})
                    </option>
                  ))}
                </Select>
              ) : null}
              <div className="relative">
                <Search aria-hidden className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted" />
                <Input
                  type="search"
                  aria-label="Search results"
                  placeholder="custom_id or words in prompt / response"
                  value={search}
                  onChange={(event) => setSearch(event.target.value)}
                  className="w-72 pl-8"
                />
              </div>
            </div>
          </div>
          <p className="text-sm text-muted" aria-live="polite">
            {page.isPending ? 'Loading…' : `${formatNumber(total)} ${total === 1 ? 'row' : 'rows'}`}
          </p>
          {page.error ? (
            <ErrorNotice title="Could not load the rows" message={page.error.message} onRetry={() => void page.refetch()} />
          ) : !page.isPending && rows.length === 0 ? (
            <EmptyState icon={Search} title="No rows match">
              Clear the search or choose another status.
            </EmptyState>
          ) : (
            <ResultTable
              source={source}
              rows={rows}
              sort={view.sort}
              order={view.order}
              onSort={onSort}
              onOpen={setOpenIndex}
              hasMore={hasNextPage}
              loadMore={loadMore}
            />
          )}
          <ResultDrawer
            source={source}
            row={openIndex === null ? null : (rows[openIndex] ?? null)}
            onClose={() => setOpenIndex(null)}
            onPrevious={openIndex !== null && openIndex > 0 ? () => setOpenIndex(openIndex - 1) : null}
            onNext={openIndex !== null && openIndex < rows.length - 1 ? () => setOpenIndex(openIndex + 1) : null}
          />
        </>
      )}
    </div>
  )
}

function Chip({ label, count, pressed, onClick }: { label: string; count: number; pressed: boolean; onClick: () => void }) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      onClick={onClick}
      className={cn(
        'inline-flex h-8 items-center gap-1.5 rounded-full border px-3 text-sm',
        pressed ? 'border-accent bg-accent/10 text-foreground' : 'border-border bg-surface text-muted hover:text-foreground',
      )}
    >
      {label}
      <span className="tabular-nums text-xs">{formatNumber(count)}</span>
    </button>
  )
}

function Actions({ source, facets, view }: { source: ResultSource; facets: ResultFacets; view: ResultView }) {
  const retryable = facets.statuses.filter((s) => RETRYABLE.includes(s.status)).reduce((sum, s) => sum + s.count, 0)
  const exportHref = (format: 'csv' | 'jsonl', filtered: boolean) =>
    withQuery(resultsPath(source, '/export'), { format, ...(filtered ? viewParams(view) : {}) })
  const filtered = Boolean(view.status?.length || view.errorCode || view.q)
  const final = facets.retryCount > 0
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button asChild variant="secondary" size="sm">
        <a href={exportHref('csv', filtered)} download>
          <Download aria-hidden className="size-4" />
          {final && !filtered ? 'Final results CSV' : filtered ? 'Export shown rows (CSV)' : 'Export CSV'}
        </a>
      </Button>
      <Button asChild variant="secondary" size="sm">
        <a href={exportHref('jsonl', filtered)} download>
          <Download aria-hidden className="size-4" />
          {final && !filtered ? 'Final results JSONL' : 'JSONL'}
        </a>
      </Button>
      {/* A job retries its own lines, as its max attempts allow. */}
      {retryable > 0 && source.kind === 'batch' && facets.index.state === 'ready' ? <RetryButton batchId={source.id} count={retryable} /> : null}
    </div>
  )
}

function RetryButton({ batchId, count }: { batchId: string; count: number }) {
  const router = useRouter()
  const retry = useRetryLines(batchId)
  const connections = useConnections()
  const [open, setOpen] = useState(false)
  const [connectionId, setConnectionId] = useState<string>('')
  const [error, setError] = useState<string | null>(null)
  const label = `Retry ${formatNumber(count)} ${count === 1 ? 'line' : 'lines'}`
  const confirm = () =>
    retry.mutate(connectionId ? { connectionId } : {}, {
      onSuccess: (created) => {
        setOpen(false)
        toast.success('Retry batch created', { description: `${formatNumber(created.lineCount)} lines run again; this page shows their latest results.` })
        router.push(`/batches/${created.id}`)
      },
      onError: (failure) => setError(failure.message),
    })
  return (
    <>
      <Button
        size="sm"
        onClick={() => {
          setError(null)
          setOpen(true)
        }}
      >
        <RotateCcw aria-hidden className="size-4" />
        {label}
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={`${label}?`}
        confirmLabel={label}
        onConfirm={confirm}
        pending={retry.isPending}
        error={error}
        tone="primary"
      >
        <p>
          A new input file is made of exactly the failed, expired, cancelled and missing lines, and a new batch runs it. This page then shows the latest success
          of each line.
        </p>
        <label className="mt-3 block text-sm text-foreground">
          <span className="mb-1 block text-xs text-muted">Run on</span>
          <Select value={connectionId} onChange={(event) => setConnectionId(event.target.value)} className="w-full">
            <option value="">The same connection</option>
            {(connections.data ?? []).map((connection) => (
              <option key={connection.id} value={connection.id}>
                {connection.name}
              </option>
            ))}
          </Select>
        </label>
      </ConfirmDialog>
    </>
  )
}
