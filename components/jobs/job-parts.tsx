import Link from 'next/link'
import { Fragment } from 'react'
import { Card } from '@/components/ui/card'
import { cn } from '@/components/ui/cn'
import { OutcomeBadge } from '@/components/ui/outcome-badge'
import { batchOutcome } from '@/lib/batch'
import { formatBytes, formatCompact, formatDateTime, formatNumber, formatRelative } from '@/lib/format'
import type { JobPartStatus, JobPartSummary } from '@/lib/jobs/types'

const PART_LABELS: Record<JobPartStatus, string> = { queued: 'Queued', submitting: 'Submitting', submitted: 'Submitted', ended: 'Ended' }

/** Every part in order: its round, size, where it stands, its batch, and why it waits when it does. */
export function JobParts({ parts, splitting }: { parts: JobPartSummary[]; splitting: boolean }) {
  return (
    <Card padded={false} title="Parts" id="parts-heading" description="Each part runs as one batch; a retry round holds the lines to send again.">
      {parts.length === 0 ? (
        <p className="px-4 py-3 text-sm text-muted">{splitting ? 'Splitting the input into parts…' : 'No parts.'}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="text-left text-xs text-muted">
              <tr className="border-b border-border">
                <th className="px-4 py-2 font-medium">Part</th>
                <th className="px-4 py-2 font-medium">Round</th>
                <th className="px-4 py-2 text-right font-medium">Lines</th>
                <th className="px-4 py-2 text-right font-medium">Size</th>
                <th className="px-4 py-2 font-medium">Status</th>
                <th className="px-4 py-2 font-medium">Batch</th>
                <th className="px-4 py-2 font-medium">Timeline</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-border">
              {parts.map((part) => (
                <Fragment key={part.id}>
                  <tr data-part={part.seq} data-status={part.status} className={cn('align-top', part.waitingReason && 'border-b-0 [&>td]:pb-1')}>
                    <td className="px-4 py-2 tabular-nums">#{part.seq}</td>
                    <td className="px-4 py-2 whitespace-nowrap tabular-nums">{part.round === 1 ? '1' : `${part.round} (retry)`}</td>
                    <td className="px-4 py-2 text-right tabular-nums">{formatNumber(part.lineCount)}</td>
                    <td className="px-4 py-2 text-right whitespace-nowrap tabular-nums text-muted">
                      {formatBytes(part.bytes)} · ≈ {formatCompact(part.estimatedTokens)} tok
                    </td>
                    <td className="px-4 py-2">
                      <div className="flex flex-wrap items-center gap-2">
                        {part.batchStatus && part.requestCounts ? (
                          <OutcomeBadge outcome={batchOutcome(part.batchStatus, part.requestCounts)} />
                        ) : (
                          <span className="text-xs font-medium">{PART_LABELS[part.status]}</span>
                        )}
                        {part.queueAttempts > 0 ? (
                          <span className="text-xs whitespace-nowrap text-warning">resubmitted {part.queueAttempts}× after queue refusals</span>
                        ) : null}
                      </div>
                    </td>
                    <td className="px-4 py-2">
                      {part.batchId ? (
                        <Link href={`/batches/${part.batchId}`} className="font-mono text-xs hover:underline">
                          {part.batchId}
                        </Link>
                      ) : (
                        <span className="text-xs text-muted">—</span>
                      )}
                    </td>
                    <td className="px-4 py-2 text-xs whitespace-nowrap text-muted">
                      {/* A queued part's "sent" is its last attempt, refused by the queue: not shown as if it were running. */}
                      {part.submittedAt && part.status !== 'queued' ? <Moment label="sent" iso={part.submittedAt} /> : null}
                      {part.endedAt ? <Moment label="ended" iso={part.endedAt} /> : null}
                    </td>
                  </tr>
                  {part.waitingReason ? (
                    // The provider's own words can be long: a row of their own, full width, instead of a tall narrow cell.
                    <tr>
                      <td />
                      <td colSpan={6} className="px-4 pb-2 text-xs text-muted">
                        <p className="line-clamp-2 max-w-4xl" title={part.waitingReason}>
                          {part.waitingReason}
                        </p>
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  )
}

/** When a part was sent or ended, relative (short enough to keep the table on screen), with the exact time on hover. */
function Moment({ label, iso }: { label: string; iso: string }) {
  return (
    <div>
      {label}{' '}
      <time dateTime={iso} title={formatDateTime(iso)}>
        {formatRelative(iso)}
      </time>
    </div>
  )
}
