'use client'

import { Workflow } from 'lucide-react'
import { useId } from 'react'
import { Input } from './input'
import { batchLimitsOf, enqueuedTokenLimitOf, plannedBatchCount } from '@/lib/connections/limits'
import { formatLimitBytes, formatNumber } from '@/lib/format'
import type { ConnectionSummary, FileDetail } from '@/lib/types'
import { MAX_ATTEMPTS_LIMIT } from '@/lib/validations/jobs'

export type JobChoice = { runAsJob: boolean; maxAttempts: number }

/** What a plan is made from: a stored file (New batch) or a file just built from a table (the builder). */
export type PlannedWork = Pick<FileDetail, 'lineCount' | 'bytes' | 'estimatedInputTokens' | 'model'>

/** How many batches the work needs on this connection; more than one makes it a job. */
export function plannedParts(work: PlannedWork, connection: ConnectionSummary) {
  const limits = batchLimitsOf(connection)
  const maxTokens = enqueuedTokenLimitOf(connection.enqueuedTokenLimits, work.model)
  const count = plannedBatchCount({ lineCount: work.lineCount ?? 0, bytes: work.bytes, estimatedTokens: work.estimatedInputTokens }, limits, maxTokens)
  return { count, limits }
}

/**
 * Says, before anything is created, when the file is over the connection's limits and will run as a job of several
 * batches; under the limits, offers to run it as a job anyway (for its retries). Max attempts when it is a job.
 */
export function JobPlan({
  work,
  connection,
  choice,
  onChange,
}: {
  work: PlannedWork
  connection: ConnectionSummary
  choice: JobChoice
  onChange: (choice: JobChoice) => void
}) {
  const id = useId()
  const { count, limits } = plannedParts(work, connection)
  const forced = count > 1
  const asJob = forced || choice.runAsJob
  return (
    <div className="space-y-3 rounded-lg border border-border bg-subtle/50 px-3 py-3 text-sm">
      {forced ? (
        <p role="status" data-testid="job-plan" className="flex items-start gap-2">
          <Workflow aria-hidden className="mt-0.5 size-4 shrink-0 text-accent" />
          <span>
            This file will run as <strong>{formatNumber(count)} batches</strong> of at most {formatNumber(limits.maxRequests)} requests (
            {formatLimitBytes(limits.maxBytes)}) on {connection.name}: a job that submits them as the queue has room and sends failed lines again.
          </span>
        </p>
      ) : (
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={choice.runAsJob} onChange={(event) => onChange({ ...choice, runAsJob: event.target.checked })} />
          Run as a job (retry failed lines)
        </label>
      )}
      {asJob ? (
        <div className="flex flex-wrap items-center gap-2">
          <label htmlFor={`${id}-attempts`} className="text-sm">
            Max attempts per line
          </label>
          <Input
            id={`${id}-attempts`}
            type="number"
            min={1}
            max={MAX_ATTEMPTS_LIMIT}
            value={choice.maxAttempts}
            onChange={(event) => onChange({ ...choice, maxAttempts: Number(event.target.value) })}
            className="w-20"
          />
          <span className="text-xs text-muted">Retryable failures (5xx, 429, timeouts, expired, missing) are sent again up to this many times in all.</span>
        </div>
      ) : null}
    </div>
  )
}
