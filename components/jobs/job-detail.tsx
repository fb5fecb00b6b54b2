'use client'

import { ArrowLeft, Download, TableProperties } from 'lucide-react'
import Link from 'next/link'
import type { ReactNode } from 'react'
import { OutcomeBadge } from '@/components/ui/outcome-badge'
import { ListSkeleton } from '@/components/ui/skeleton'
import { Button } from '@/components/ui/button'
import { ButtonLink } from '@/components/ui/button-link'
import { Card } from '@/components/ui/card'
import { ErrorNotice } from '@/components/ui/error-notice'
import { formatCompact, formatCost, formatDuration, formatLimitBytes, formatNumber } from '@/lib/format'
import { jobOutcome } from '@/lib/jobs/outcome'
import type { JobCost, JobDetail } from '@/lib/jobs/types'
import { isJobEnded, useJob } from '@/lib/queries/jobs'
import { JobActions } from './job-actions'
import { JobParts } from './job-parts'
import { JobProgressBar } from '@/components/ui/job-progress-bar'

const fileContent = (fileId: string) => `/api/files/${encodeURIComponent(fileId)}/content`

/** One job on one page: its progress by outcome, cost and ETA, its parts, its controls, and its files. */
export function JobDetailView({ jobId }: { jobId: string }) {
  const { data: job, error, isPending, refetch } = useJob(jobId)
  if (isPending) return <ListSkeleton rows={6} label="Loading the job" />
  if (error) return <ErrorNotice title="Could not load the job" message={error.message} onRetry={() => void refetch()} />
  return (
    <div className="space-y-6">
      <Header job={job} />
      <Progress job={job} />
      <JobParts parts={job.parts} splitting={job.status === 'splitting'} />
      <Files job={job} />
    </div>
  )
}

function Header({ job }: { job: JobDetail }) {
  return (
    <div className="space-y-3">
      <Link href="/jobs" className="inline-flex items-center gap-1.5 text-sm text-muted hover:text-foreground">
        <ArrowLeft aria-hidden className="size-4" />
        Jobs
      </Link>
      <header className="flex flex-col gap-4 border-b border-border pb-5 md:flex-row md:items-end md:justify-between">
        <div className="min-w-0 flex-1 space-y-1.5">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="truncate text-2xl font-semibold tracking-tight">{job.description ?? job.id}</h1>
            <span data-testid="job-status">
              <OutcomeBadge outcome={jobOutcome(job.status, job.lines)} />
            </span>
          </div>
          <p className="flex flex-wrap items-center gap-x-2 text-sm text-muted">
            {job.description ? <code className="font-mono text-xs">{job.id}</code> : null}
            <span>
              on <span className="font-medium text-foreground">{job.connectionName}</span>
            </span>
            <span>·</span>
            <code className="font-mono text-xs">{job.endpoint}</code>
            {job.model ? (
              <>
                <span>·</span>
                <code className="font-mono text-xs">{job.model}</code>
              </>
            ) : null}
            <span>·</span>
            <span>window {job.completionWindow}</span>
            <span>·</span>
            <span>up to {job.maxAttempts} attempts per line</span>
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <JobActions job={job} />
          <ButtonLink href={`/jobs/${job.id}/results`} size="sm">
            <TableProperties aria-hidden className="size-4" />
            Results
          </ButtonLink>
        </div>
      </header>
      {job.error ? <ErrorNotice title={job.status === 'failed' ? 'The job failed' : 'The job stopped'} message={job.error} /> : null}
    </div>
  )
}

function Progress({ job }: { job: JobDetail }) {
  const { lines, limits } = job
  const final = lines.succeeded + lines.failed
  return (
    <Card title="Progress" id="progress-heading">
      <div className="space-y-4">
        <div className="space-y-2">
          <p className="text-sm" data-testid="job-lines">
            <span className="font-semibold tabular-nums">{formatNumber(final)}</span> of {formatNumber(lines.total)} lines final
            {job.status === 'splitting' ? ` · ${formatNumber(job.splitLines)} split into parts so far` : ''}
          </p>
          <JobProgressBar lines={lines} />
        </div>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-4 text-sm sm:grid-cols-4">
          <Fact label="Succeeded" tone="text-success">
            {formatNumber(lines.succeeded)}
          </Fact>
          <Fact label="Failed (final)" tone={lines.failed > 0 ? 'text-danger' : undefined}>
            {formatNumber(lines.failed)}
          </Fact>
          <Fact label="Pending">{formatNumber(lines.pending)}</Fact>
          <Fact label="Parts">{formatNumber(job.parts.length)}</Fact>
          <Fact label="Cost so far">{costSoFar(job.cost)}</Fact>
          <Fact label="Estimated total">{estimatedTotal(job.cost)}</Fact>
          <Fact label="ETA">{job.etaSeconds !== null ? formatDuration(job.etaSeconds) : isJobEnded(job.status) ? 'Ended' : '—'}</Fact>
          <Fact label="Per part">
            {formatNumber(limits.maxRequests)} lines · {formatLimitBytes(limits.maxBytes)}
            {limits.maxTokens !== null ? ` · ≤ ${formatCompact(limits.maxTokens)} tok` : ''}
          </Fact>
        </dl>
      </div>
    </Card>
  )
}

function costSoFar(cost: JobCost): string {
  switch (cost.status) {
    case 'priced':
      return formatCost(cost.cost)
    case 'simulated':
      return 'Free (simulated)'
    case 'no_price':
      return cost.model === null ? 'No price' : `No price for ${cost.model}`
    case 'no_usage':
      return '—'
  }
}

const estimatedTotal = (cost: JobCost) => (cost.status === 'priced' && cost.estimatedTotal !== null ? `≈ ${formatCost(cost.estimatedTotal)}` : '—')

function Fact({ label, tone, children }: { label: string; tone?: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className={`mt-0.5 font-medium tabular-nums ${tone ?? ''}`}>{children}</dd>
    </div>
  )
}

function Files({ job }: { job: JobDetail }) {
  const ended = isJobEnded(job.status)
  const rows = [
    { label: 'Input', id: job.inputFile?.id ?? null, name: job.inputFile?.filename, empty: 'Not in Batchboard: the file was deleted.' },
    {
      label: 'Output',
      id: job.outputFileId,
      name: 'Output (OpenAI format, input order)',
      empty: ended ? 'None: no line succeeded.' : 'Appears when the job ends.',
    },
    {
      label: 'Errors',
      id: job.errorFileId,
      name: 'Errors (OpenAI format, input order)',
      empty: ended ? 'None: no line failed.' : 'Appears when the job ends, if any line failed.',
    },
  ]
  return (
    <Card padded={false} title="Files" id="files-heading">
      <ul className="divide-y divide-border">
        {rows.map(({ label, id, name, empty }) => (
          <li key={label} className="flex flex-wrap items-center gap-3 px-4 py-3 text-sm">
            <span className="w-16 shrink-0 text-xs text-muted">{label}</span>
            {id === null ? (
              <span className="text-muted">{empty}</span>
            ) : (
              <>
                <Link href={`/files/${id}`} className="min-w-0 flex-1 font-medium hover:underline">
                  {name ?? id}
                </Link>
                <Button asChild variant="secondary" size="sm">
                  <a href={fileContent(id)} download aria-label={`Download the ${label.toLowerCase()} file`}>
                    <Download aria-hidden className="size-4" />
                    Download
                  </a>
                </Button>
              </>
            )}
          </li>
        ))}
      </ul>
    </Card>
  )
}
