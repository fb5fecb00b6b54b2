'use client'

import { Download } from 'lucide-react'
import { useMemo, useState } from 'react'
import { Button } from '@/components/ui/button'
import { cn } from '@/components/ui/cn'
import type { BatchFileErrorCode, ValidationReport } from '@/lib/jsonl'
import { formatNumber } from '@/lib/format'
import { countErrors } from './check-summary'
import { downloadText, errorReportCsv, errorReportName } from './error-report'
import { ErrorTable } from './error-table'

/** Errors of a checked file: how many of each kind (click one to see only those), then every kept error by line. */
export function ErrorBreakdown({ filename, report }: { filename: string; report: ValidationReport }) {
  const [code, setCode] = useState<BatchFileErrorCode | null>(null)
  const counts = useMemo(
    () =>
      (Object.entries(report.errorCounts) as [BatchFileErrorCode, number][])
        .filter(([, count]) => count > 0)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    [report.errorCounts],
  )
  const shown = useMemo(() => (code === null ? report.errors : report.errors.filter((error) => error.code === code)), [code, report.errors])

  return (
    <section aria-labelledby="errors-heading" className="space-y-3 border-t border-border px-4 py-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h3 id="errors-heading" className="text-sm font-semibold">
          Errors
        </h3>
        <Button variant="secondary" size="sm" onClick={() => downloadText(errorReportName(filename), errorReportCsv(report.errors), 'text/csv;charset=utf-8')}>
          <Download aria-hidden className="size-3.5" />
          Download error report
        </Button>
      </div>

      <div role="group" aria-label="Show errors by code" className="flex flex-wrap gap-1.5">
        <CodeFilter label="All" count={report.errorCount} pressed={code === null} onClick={() => setCode(null)} />
        {counts.map(([name, count]) => (
          <CodeFilter key={name} label={name} mono count={count} pressed={code === name} onClick={() => setCode(code === name ? null : name)} />
        ))}
      </div>

      {report.truncatedErrors ? (
        <p className="text-xs text-muted">
          Showing the first {formatNumber(report.errors.length)} of {countErrors(report.errorCount)}; the counts above include all of them. Fix these and check
          the file again to see the rest.
        </p>
      ) : null}

      {shown.length > 0 ? (
        <ErrorTable errors={shown} />
      ) : (
        <p className="rounded-lg bg-subtle/60 px-4 py-3 text-sm text-muted">
          None of the first {formatNumber(report.errors.length)} errors has this code; fix those first and check the file again.
        </p>
      )}
    </section>
  )
}

function CodeFilter({ label, count, pressed, mono, onClick }: { label: string; count: number; pressed: boolean; mono?: boolean; onClick: () => void }) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      onClick={onClick}
      className={cn(
        'inline-flex items-center gap-1.5 rounded-full border px-2.5 py-1 text-xs transition-colors',
        'focus-visible:ring-2 focus-visible:ring-accent focus-visible:ring-offset-2 focus-visible:ring-offset-background focus-visible:outline-none',
        pressed ? 'border-accent bg-accent/10 text-foreground' : 'border-border bg-surface text-muted hover:bg-subtle hover:text-foreground',
      )}
    >
      <span className={cn(mono && 'font-mono')}>{label}</span>
      <span className={cn('rounded-full px-1.5 tabular-nums', pressed ? 'bg-accent/15 text-accent' : 'bg-subtle')}>{formatNumber(count)}</span>
    </button>
  )
}
