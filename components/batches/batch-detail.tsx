'use client'

import { ArrowLeft, TableProperties } from 'lucide-react'
import Link from 'next/link'
import type { ReactNode } from 'react'
import { ButtonLink } from '@/components/ui/button-link'
import { Card } from '@/components/ui/card'
import { ErrorNotice } from '@/components/ui/error-notice'
import { isTerminal } from '@/lib/batch'
import { formatCost, formatNumber } from '@/lib/format'
import { describeCost } from '@/lib/pricing'
import { useBatch } from '@/lib/queries/batches'
import { ApiError } from '@/lib/queries/fetch-json'
import type { BatchDetail } from '@/lib/types'
import { BatchActions } from './batch-actions'
import { BatchDetailSkeleton } from './batch-detail-skeleton'
import { Files, Ids } from './batch-files'
import { BatchOutcomeBadge } from './batch-outcome-badge'
import { BatchNotFound } from './batch-not-found'
import { ProgressCard, Timeline } from './batch-progress-card'
import { SimulatedBadge } from './simulated-badge'
import { SyncStatus } from './sync-status'
import { BUILTIN_CONNECTION_KIND } from '@/lib/constants'

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
            {batch.providerStatus ? (
              <span className="text-sm text-muted" title="The provider's own status for this batch">
                {batch.connectionKind === 'gemini' ? 'Gemini' : batch.connectionKind === 'anthropic' ? 'Anthropic' : 'Provider'}:{' '}
                <code className="font-mono text-xs text-foreground">{batch.providerStatus}</code>
              </span>
            ) : null}
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
          {/* The engine lists a batch's results as its lines finish; a provider gives them only at the end. */}
          {(isTerminal(batch.status) || (batch.connectionKind === BUILTIN_CONNECTION_KIND && batch.status !== 'validating')) &&
          batch.requestCounts.total > 0 ? (
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
    <Card padded={false} title="Requests" id="requests-heading">
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
    <Card padded={false} title="Usage and cost" id="usage-heading">
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
            // Only providers that bill prompt-cache writes apart report them (Anthropic).
            ...(usage.cacheWriteTokens ? [{ label: 'Cache writes', value: formatNumber(usage.cacheWriteTokens) }] : []),
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
      padded={false}
      title={`${formatNumber(batch.errors.length)} ${batch.errors.length === 1 ? 'error' : 'errors'}`}
      id="errors-heading"
      actions={<span className="text-xs text-muted">Line numbers open the input file at that line.</span>}
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
