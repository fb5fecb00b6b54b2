'use client'

import { ArrowLeft, Download, TableProperties } from 'lucide-react'
import Link from 'next/link'
import type { ReactNode } from 'react'
import { Button } from '@/components/ui/button'
import { ButtonLink } from '@/components/ui/button-link'
import { CopyIconButton } from '@/components/ui/copy-button'
import { ErrorNotice } from '@/components/ui/error-notice'
import { STATUS_LABELS, isTerminal } from '@/lib/batch'
import { BUILTIN_CONNECTION_KIND } from '@/lib/constants'
import { formatBytes, formatCost, formatDateTime, formatDuration, formatNumber, formatRelative } from '@/lib/format'
import { describeCost } from '@/lib/pricing'
import { useBatch } from '@/lib/queries/batches'
import { ApiError } from '@/lib/queries/fetch-json'
import type { BatchDetail, BatchFileRef, BatchTimeline } from '@/lib/types'
import { BatchActions } from './batch-actions'
import { BatchDetailSkeleton } from './batch-detail-skeleton'
import { BatchOutcomeBadge } from './batch-outcome-badge'
import { BatchNotFound } from './batch-not-found'
import { BatchProgressBar } from './batch-progress-bar'
import { SimulatedBadge } from './simulated-badge'
import { SyncStatus } from './sync-status'

export function BatchDetailView({ batchId }: { batchId: string }) {
  const { data: batch, error, isPending, refetch } = useBatch(batchId)
  if (isPending) return <BatchDetailSkeleton />
  if (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) {
      return <BatchNotFound batchId={batchId} />
    }
    return <ErrorNotice title="Could not load the batch" message={error.message} onRetry={() => void refetch()} />
  }
  return (
    <div className="space-y-6">
      <Header batch={batch} />
      <ProgressCard batch={batch} />
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <Timeline timeline={batch.timeline} />
        <div className="space-y-6">
          <RequestCounts batch={batch} />
          <Usage batch={batch} />
        </div>
      </div>
      {batch.errors.length > 0 ? <ValidationErrors batch={batch} /> : null}
      <Files batch={batch} />
      <Ids batch={batch} />
    </div>
  )
}

function Header({ batch }: { batch: BatchDetail }) {
  return (
    <div className="space-y-3">
      <Link href="/" className="inline-flex items-center gap-1.5 text-sm text-muted hover:text-foreground">
        <ArrowLeft aria-hidden className="size-4" />
        Batches
      </Link>
      <header className="flex flex-col gap-4 border-b border-border pb-5 md:flex-row md:items-end md:justify-between">
        <div className="min-w-0 flex-1 space-y-1.5">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="truncate text-2xl font-semibold tracking-tight">{batch.description ?? batch.id}</h1>
            <BatchOutcomeBadge status={batch.status} counts={batch.requestCounts} />
            {batch.simulated ? <SimulatedBadge /> : null}
          </div>
          <p className="flex flex-wrap items-center gap-x-2 text-sm text-muted">
            {batch.description ? <code className="font-mono text-xs">{batch.id}</code> : null}
            <span>
              on <span className="font-medium text-foreground">{batch.connectionName}</span>
            </span>
            <span>·</span>
            <code className="font-mono text-xs">{batch.endpoint}</code>
            {batch.model ? (
              <>
                <span>·</span>
                <code className="font-mono text-xs">{batch.model}</code>
              </>
            ) : null}
            <span>·</span>
            <span>window {batch.completionWindow}</span>
          </p>
          {batch.connectionKind === BUILTIN_CONNECTION_KIND ? null : <SyncStatus batch={batch} />}
        </div>
        <div className="flex shrink-0 flex-wrap items-center gap-2">
          {isTerminal(batch.status) && batch.requestCounts.total > 0 ? (
            <ButtonLink href={`/batches/${batch.id}/results`} variant="secondary">
              <TableProperties aria-hidden className="size-4" />
              Results
            </ButtonLink>
          ) : null}
          <BatchActions batch={batch} />
        </div>
      </header>
    </div>
  )
}

function describePace(batch: BatchDetail): string | null {
  const { progress, status } = batch
  switch (status) {
    case 'validating':
      return 'Checking the input file before any line runs.'
    case 'finalizing':
      return 'Every line is done; writing the output and error files.'
    case 'cancelling':
      return 'Stopping: lines in flight finish, the rest are written as cancelled.'
    case 'in_progress': {
      if (progress.linesPerSecond <= 0) return 'Waiting for the first answers…'
      const rate = progress.linesPerSecond >= 10 ? formatNumber(Math.round(progress.linesPerSecond)) : progress.linesPerSecond.toFixed(1)
      return `${rate} lines/s${progress.etaSeconds === null ? '' : ` · about ${formatDuration(progress.etaSeconds)} left`}`
    }
    case 'failed':
      return batch.requestCounts.total === 0 ? 'No line ran: the batch failed before it started (see the errors below).' : null
    default:
      return null
  }
}

function ProgressCard({ batch }: { batch: BatchDetail }) {
  const { total, completed, failed, remaining } = batch.progress
  const pace = describePace(batch)
  const started = batch.timeline.inProgressAt
  const ended = batch.timeline.completedAt ?? batch.timeline.failedAt ?? batch.timeline.expiredAt ?? batch.timeline.cancelledAt
  const took = started && ended ? (new Date(ended).getTime() - new Date(started).getTime()) / 1000 : null
  return (
    <section aria-labelledby="progress-heading" className="space-y-3 rounded-xl border border-border bg-surface px-4 py-4">
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h2 id="progress-heading" className="text-sm font-semibold">
          Progress · <span className="font-normal text-muted">{STATUS_LABELS[batch.status]}</span>
        </h2>
        <p className="text-sm tabular-nums">
          <span className="font-semibold">
            {formatNumber(completed + failed)}/{formatNumber(total)}
          </span>{' '}
          <span className="text-muted">done</span>
        </p>
      </div>
      <BatchProgressBar status={batch.status} counts={batch.requestCounts} />
      <div className="flex flex-wrap items-center justify-between gap-3 text-xs text-muted">
        <span className="flex flex-wrap gap-x-4">
          <Legend className="bg-success" label={`${formatNumber(completed)} completed`} />
          <Legend className="bg-danger" label={`${formatNumber(failed)} failed`} />
          <Legend className="bg-subtle ring-1 ring-border" label={`${formatNumber(remaining)} remaining`} />
        </span>
        <span>{pace ?? (took !== null ? `Took ${formatDuration(took)}` : null)}</span>
      </div>
    </section>
  )
}

function Legend({ className, label }: { className: string; label: string }) {
  return (
    <span className="inline-flex items-center gap-1.5">
      <span aria-hidden className={`size-2 rounded-full ${className}`} />
      {label}
    </span>
  )
}

const TIMELINE: { key: keyof BatchTimeline; label: string }[] = [
  { key: 'createdAt', label: 'Created' },
  { key: 'inProgressAt', label: 'In progress' },
  { key: 'finalizingAt', label: 'Finalizing' },
  { key: 'completedAt', label: 'Completed' },
  { key: 'failedAt', label: 'Failed' },
  { key: 'cancellingAt', label: 'Cancelling' },
  { key: 'cancelledAt', label: 'Cancelled' },
  { key: 'expiredAt', label: 'Expired' },
]

function Timeline({ timeline }: { timeline: BatchTimeline }) {
  const events = TIMELINE.flatMap(({ key, label }) => (timeline[key] ? [{ label, at: timeline[key] }] : [])).sort((a, b) => a.at.localeCompare(b.at))
  return (
    <Card title="Timeline" id="timeline-heading">
      <ol className="space-y-3 px-4 py-4 text-sm">
        {events.map(({ label, at }) => (
          <TimelineItem key={label} label={label} at={at} />
        ))}
        {timeline.expiresAt ? <TimelineItem label="Window ends" at={timeline.expiresAt} muted /> : null}
      </ol>
    </Card>
  )
}

function TimelineItem({ label, at, muted = false }: { label: string; at: string; muted?: boolean }) {
  return (
    <li className="flex items-baseline gap-3">
      <span aria-hidden className={`size-2 shrink-0 translate-y-[-1px] rounded-full ${muted ? 'bg-border' : 'bg-accent'}`} />
      <span className={`w-28 shrink-0 font-medium ${muted ? 'text-muted' : ''}`}>{label}</span>
      <time dateTime={at} className="tabular-nums">
        {formatDateTime(at)}
      </time>
      <span className="text-xs text-muted">{formatRelative(at)}</span>
    </li>
  )
}

function Card({ title, id, children, aside }: { title: string; id: string; children: ReactNode; aside?: ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded-xl border border-border bg-surface">
      <div className="flex items-baseline justify-between gap-3 border-b border-border px-4 py-3">
        <h2 id={id} className="text-sm font-semibold">
          {title}
        </h2>
        {aside}
      </div>
      {children}
    </section>
  )
}

function Facts({ items }: { items: { label: string; value: ReactNode; tone?: string }[] }) {
  return (
    <dl className="grid grid-cols-2 gap-x-6 gap-y-4 px-4 py-4 text-sm sm:grid-cols-3">
      {items.map(({ label, value, tone }) => (
        <div key={label} className="min-w-0">
          <dt className="text-xs text-muted">{label}</dt>
          <dd className={`mt-0.5 truncate font-medium tabular-nums ${tone ?? ''}`}>{value}</dd>
        </div>
      ))}
    </dl>
  )
}

function RequestCounts({ batch }: { batch: BatchDetail }) {
  const { total, completed, failed } = batch.requestCounts
  return (
    <Card title="Requests" id="requests-heading">
      <Facts
        items={[
          { label: 'Total', value: formatNumber(total) },
          { label: 'Completed', value: formatNumber(completed), tone: completed > 0 ? 'text-success' : undefined },
          { label: 'Failed', value: formatNumber(failed), tone: failed > 0 ? 'text-danger' : undefined },
        ]}
      />
    </Card>
  )
}

function Usage({ batch }: { batch: BatchDetail }) {
  const { usage, cost } = batch
  const text = describeCost(cost)
  return (
    <Card title="Usage and cost" id="usage-heading">
      <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1 border-b border-border px-4 py-3">
        <p
          className={`text-lg font-semibold tabular-nums ${text.tone === 'warning' ? 'text-warning' : text.tone === 'muted' ? 'text-muted' : ''}`}
          aria-label="Cost"
        >
          {text.label}
        </p>
        {cost.status === 'priced' && cost.basis === 'batch' ? <p className="text-sm text-success">Saved {formatCost(cost.standardCost - cost.cost)}</p> : null}
        <p className="w-full text-xs text-muted">
          {text.detail}
          {cost.status === 'no_price' ? (
            <>
              {' '}
              <Link href="/settings#prices" className="text-accent hover:underline">
                Open prices
              </Link>
            </>
          ) : null}
        </p>
      </div>
      {usage === null ? (
        <p className="px-4 py-4 text-sm text-muted">
          {isTerminal(batch.status) ? 'The provider reported no token usage for this batch.' : 'Token usage appears as lines finish.'}
        </p>
      ) : (
        <Facts
          items={[
            { label: 'Input tokens', value: formatNumber(usage.inputTokens) },
            { label: 'Cached input', value: formatNumber(usage.cachedTokens) },
            { label: 'Output tokens', value: formatNumber(usage.outputTokens) },
            { label: 'Reasoning', value: formatNumber(usage.reasoningTokens) },
            { label: 'Total tokens', value: formatNumber(usage.totalTokens) },
          ]}
        />
      )}
    </Card>
  )
}

function ValidationErrors({ batch }: { batch: BatchDetail }) {
  const inputId = batch.inputFile.id
  return (
    <Card
      title={`${formatNumber(batch.errors.length)} ${batch.errors.length === 1 ? 'error' : 'errors'}`}
      id="errors-heading"
      aside={<span className="text-xs text-muted">Line numbers open the input file at that line.</span>}
    >
      <div className="overflow-x-auto">
        <table aria-label="Batch errors" className="w-full text-left text-sm">
          <thead className="border-b border-border text-xs text-muted uppercase">
            <tr>
              <th className="px-4 py-2 font-medium">Line</th>
              <th className="px-4 py-2 font-medium">Code</th>
              <th className="px-4 py-2 font-medium">Param</th>
              <th className="px-4 py-2 font-medium">Message</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-border">
            {batch.errors.map((error, index) => (
              <tr key={index}>
                <td className="px-4 py-2 tabular-nums">
                  {error.line === null ? (
                    <span className="text-muted">File</span>
                  ) : inputId ? (
                    <Link href={`/files/${inputId}?line=${error.line}`} className="font-medium text-accent hover:underline">
                      {error.line}
                    </Link>
                  ) : (
                    error.line
                  )}
                </td>
                <td className="px-4 py-2 font-mono text-xs">{error.code ?? '—'}</td>
                <td className="px-4 py-2 font-mono text-xs">{error.param ?? '—'}</td>
                <td className="px-4 py-2">{error.message ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  )
}

function Files({ batch }: { batch: BatchDetail }) {
  const noInput = batch.inputFile.id === null && batch.inputFile.remoteId === null
  const neverRan = batch.status === 'failed' && batch.requestCounts.total === 0
  const rows: { label: string; file: BatchFileRef | null; empty: string }[] = [
    { label: 'Input', file: noInput ? null : batch.inputFile, empty: 'Not in Batchboard: the file was deleted.' },
    {
      label: 'Output',
      file: batch.outputFile,
      empty: neverRan ? 'None: no line ran.' : isTerminal(batch.status) ? 'None: no line succeeded.' : 'Appears when the batch ends.',
    },
    {
      label: 'Errors',
      file: batch.errorFile,
      empty: neverRan ? 'None: no line ran.' : isTerminal(batch.status) ? 'None: no line failed.' : 'Appears when the batch ends, if any line failed.',
    },
  ]
  return (
    <Card title="Files" id="files-heading">
      <ul className="divide-y divide-border">
        {rows.map(({ label, file, empty }) => (
          <li key={label} className="flex flex-wrap items-center gap-3 px-4 py-3 text-sm">
            <span className="w-16 shrink-0 text-xs text-muted">{label}</span>
            {file === null ? (
              <span className="text-muted">{empty}</span>
            ) : (
              <>
                <div className="min-w-0 flex-1">
                  {file.id ? (
                    <Link href={`/files/${file.id}`} className="font-medium hover:underline">
                      {file.filename ?? file.id}
                    </Link>
                  ) : (
                    <span className="text-muted">
                      {batch.connectionKind === BUILTIN_CONNECTION_KIND
                        ? 'Deleted from Batchboard'
                        : isTerminal(batch.status) && label !== 'Input' && batch.nextSyncAt !== null
                          ? 'Being copied from the provider…'
                          : 'Only on the provider'}
                    </span>
                  )}
                  <div className="flex items-center gap-1 text-xs text-muted">
                    <code className="font-mono">{file.id ?? file.remoteId}</code>
                    <CopyIconButton text={(file.id ?? file.remoteId)!} label={`Copy ${label.toLowerCase()} file id`} />
                    {file.bytes !== null ? <span>· {formatBytes(file.bytes)}</span> : null}
                    {file.lineCount !== null ? <span>· {formatNumber(file.lineCount)} lines</span> : null}
                  </div>
                </div>
                {file.id ? (
                  <Button asChild variant="secondary" size="sm">
                    <a href={`/api/files/${file.id}/content`} download aria-label={`Download ${label.toLowerCase()} file`}>
                      <Download aria-hidden className="size-4" />
                      Download
                    </a>
                  </Button>
                ) : null}
              </>
            )}
          </li>
        ))}
        {batch.builtFromTable ? (
          <li className="flex flex-wrap items-center gap-3 px-4 py-3 text-sm">
            <span className="w-16 shrink-0 text-xs text-muted">Table</span>
            <div className="min-w-0 flex-1">
              <p className="font-medium">The table this file was built from, with the answers</p>
              <p className="text-xs text-muted">Every source column, then the answer, status and error of each row, in the table&apos;s order (CSV).</p>
            </div>
            <Button asChild variant="secondary" size="sm">
              <a href={`/api/batches/${batch.id}/enriched.csv`} download>
                <Download aria-hidden className="size-4" />
                Table with answers
              </a>
            </Button>
          </li>
        ) : null}
      </ul>
    </Card>
  )
}

function Ids({ batch }: { batch: BatchDetail }) {
  const rows: { label: string; value: string | null; href?: string }[] = [
    { label: 'Batch id', value: batch.id },
    { label: 'Remote id', value: batch.remoteId },
    { label: 'Connection', value: batch.connectionId },
    // The provider's own file ids: what its dashboard and API know them by.
    ...(batch.connectionKind === BUILTIN_CONNECTION_KIND
      ? []
      : [
          { label: 'Remote input file', value: batch.inputFile.remoteId },
          { label: 'Remote output file', value: batch.outputFile?.remoteId ?? null },
          { label: 'Remote error file', value: batch.errorFile?.remoteId ?? null },
        ]),
    { label: 'Retry of', value: batch.parentBatchId, href: batch.parentBatchId ? `/batches/${batch.parentBatchId}` : undefined },
    ...batch.retryBatchIds.map((id, index) => ({ label: index === 0 ? 'Retried by' : '', value: id, href: `/batches/${id}` })),
  ]
  return (
    <Card title="Ids" id="ids-heading">
      <dl className="divide-y divide-border text-sm">
        {rows
          .filter((row) => row.value !== null)
          .map(({ label, value, href }) => (
            <div key={`${label}:${value}`} className="flex items-center gap-3 px-4 py-2.5">
              <dt className="w-32 shrink-0 text-xs text-muted">{label}</dt>
              <dd className="flex min-w-0 items-center gap-1">
                {href ? (
                  <Link href={href} className="truncate font-mono text-xs text-accent hover:underline">
                    {value}
                  </Link>
                ) : (
                  <code className="truncate font-mono text-xs">{value}</code>
                )}
                <CopyIconButton text={value!} label={`Copy ${(label || 'retry').toLowerCase()}`} />
              </dd>
            </div>
          ))}
      </dl>
    </Card>
  )
}
