'use client'

import { Workflow } from 'lucide-react'
import Link from 'next/link'
import { OutcomeBadge } from '@/components/ui/outcome-badge'
import { PANEL } from '@/components/ui/card'
import { cn } from '@/components/ui/cn'
import { EmptyState } from '@/components/ui/empty-state'
import { ErrorNotice } from '@/components/ui/error-notice'
import { ListSkeleton } from '@/components/ui/skeleton'
import { formatDateTime, formatNumber, formatRelative } from '@/lib/format'
import { jobOutcome } from '@/lib/jobs/outcome'
import { useJobs } from '@/lib/queries/jobs'
import { JobProgressBar } from '@/components/ui/job-progress-bar'

/** Every job, newest first: status, progress by outcome, connection, and when it was created. */
export function JobList() {
  const { data: jobs, error, isPending, refetch } = useJobs()
  if (isPending) return <ListSkeleton label="Loading jobs" />
  if (error) return <ErrorNotice title="Could not load jobs" message={error.message} onRetry={() => void refetch()} />
  if (jobs.length === 0) {
    return (
      <EmptyState icon={Workflow} title="No jobs yet">
        A job runs a file of any size as several batches within the connection&apos;s limits, and sends failed lines again. Start one from New batch: a file
        over the limits becomes a job, or tick “Run as a job”.
      </EmptyState>
    )
  }
  return (
    <ul className={cn(PANEL, 'divide-y divide-border')} aria-label="Jobs">
      {jobs.map((job) => (
        <li key={job.id} className="grid gap-2 px-4 py-3 text-sm md:grid-cols-[minmax(0,2fr)_minmax(0,2fr)_minmax(0,1fr)] md:items-center">
          <div className="min-w-0 space-y-1">
            <div className="flex flex-wrap items-center gap-2">
              <Link href={`/jobs/${job.id}`} className="truncate font-medium hover:underline">
                {job.description ?? job.id}
              </Link>
              <OutcomeBadge outcome={jobOutcome(job.status, job.lines)} />
            </div>
            <p className="truncate text-xs text-muted">
              {job.description ? <code className="font-mono">{job.id}</code> : null} {job.model ?? job.endpoint} · {formatNumber(job.partCount)}{' '}
              {job.partCount === 1 ? 'part' : 'parts'}
            </p>
          </div>
          <div className="space-y-1">
            <JobProgressBar lines={job.lines} size="sm" />
            <p className="text-xs text-muted tabular-nums">
              {formatNumber(job.lines.succeeded + job.lines.failed)} / {formatNumber(job.lines.total)} final
              {job.lines.failed > 0 ? ` · ${formatNumber(job.lines.failed)} failed` : ''}
            </p>
          </div>
          <div className="text-xs text-muted md:text-right">
            <div className="truncate">{job.connectionName}</div>
            <time dateTime={job.createdAt} title={formatDateTime(job.createdAt)}>
              {formatRelative(job.createdAt)}
            </time>
          </div>
        </li>
      ))}
    </ul>
  )
}
