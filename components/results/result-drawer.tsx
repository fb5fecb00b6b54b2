'use client'

import { ChevronLeft, ChevronRight } from 'lucide-react'
import { Button } from '@/components/ui/button'
import { CopyButton } from '@/components/ui/copy-button'
import { Dialog } from '@/components/ui/dialog'
import { ErrorNotice } from '@/components/ui/error-notice'
import { Skeleton } from '@/components/ui/skeleton'
import { formatLatency, formatNumber } from '@/lib/format'
import { resultOf } from '@/lib/results/extract'
import { resultImagePath, useResultRow, type ResultSource } from '@/lib/queries/results'
import type { ResultRowSummary } from '@/lib/types'
import { ResultMarkdown } from './result-markdown'
import { ResultStatusBadge } from './result-status-badge'

function pretty(line: string | null): string | null {
  if (line === null) return null
  try {
    return JSON.stringify(JSON.parse(line), null, 2)
  } catch {
    return line
  }
}

function fullText(line: string | null): string | null {
  if (line === null) return null
  try {
    return resultOf(JSON.parse(line)).text
  } catch {
    return null
  }
}

function JsonBlock({ title, text, empty }: { title: string; text: string | null; empty: string }) {
  return (
    <section className="space-y-2">
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-sm font-semibold">{title}</h3>
        {text ? <CopyButton text={text} label={`Copy ${title.toLowerCase()}`} variant="ghost" /> : null}
      </div>
      {text ? (
        <pre className="max-h-72 overflow-auto rounded-md bg-subtle p-3 font-mono text-xs leading-5 whitespace-pre-wrap break-all">{text}</pre>
      ) : (
        <p className="text-sm text-muted">{empty}</p>
      )}
    </section>
  )
}

type Props = { source: ResultSource; row: ResultRowSummary | null; onClose: () => void; onPrevious: (() => void) | null; onNext: (() => void) | null }

/** A row's request and result lines, pretty-printed, and the response rendered as sanitized Markdown; previous and next walk the table. */
export function ResultDrawer({ source, row, onClose, onPrevious, onNext }: Props) {
  const { data, error, isPending, refetch } = useResultRow(source, row?.customId ?? null)
  const response = fullText(data?.resultLine ?? null)
  return (
    <Dialog
      open={row !== null}
      onOpenChange={(open) => (open ? undefined : onClose())}
      title={row?.customId ?? ''}
      description={
        row
          ? `Line ${row.line ?? '—'}${row.sourceBatchId && row.sourceBatchId !== source.id ? ` · result from ${source.kind === 'job' ? 'batch' : 'retry'} ${row.sourceBatchId}` : ''}`
          : undefined
      }
      className="max-w-3xl"
    >
      {row ? (
        <div className="space-y-5">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <div className="flex flex-wrap items-center gap-3 text-sm">
              <ResultStatusBadge status={row.status} />
              {row.statusCode !== null ? <span className="text-muted">HTTP {row.statusCode}</span> : null}
              {row.totalTokens !== null ? <span className="text-muted">{formatNumber(row.totalTokens)} tokens</span> : null}
              {row.finishReason ? <span className="text-muted">finish: {row.finishReason}</span> : null}
              {row.latencyMs !== null ? <span className="text-muted">answered in {formatLatency(row.latencyMs)}</span> : null}
            </div>
            <div className="flex gap-2">
              <Button variant="secondary" size="sm" onClick={onPrevious ?? undefined} disabled={!onPrevious}>
                <ChevronLeft aria-hidden className="size-4" />
                Previous
              </Button>
              <Button variant="secondary" size="sm" onClick={onNext ?? undefined} disabled={!onNext}>
                Next
                <ChevronRight aria-hidden className="size-4" />
              </Button>
            </div>
          </div>
          {row.errorCode ? (
            <p className="rounded-md border border-danger/40 bg-danger/5 p-3 text-sm">
              <code className="font-mono text-xs text-danger">{row.errorCode}</code> {row.errorMessage}
            </p>
          ) : null}
          {error ? (
            <ErrorNotice title="Could not read this line" message={error.message} onRetry={() => void refetch()} />
          ) : isPending ? (
            <Skeleton className="h-40" />
          ) : (
            <>
              {response ? (
                <section aria-label="Response" className="space-y-2">
                  <div className="flex items-center justify-between gap-2">
                    <h3 className="text-sm font-semibold">Response</h3>
                    <CopyButton text={response} label="Copy response" variant="ghost" />
                  </div>
                  <div className="rounded-md border border-border p-3">
                    <ResultMarkdown text={response} />
                  </div>
                </section>
              ) : null}
              {row.outputImageCount > 0 ? (
                <section aria-label="Output images" className="space-y-2">
                  <h3 className="text-sm font-semibold">Images</h3>
                  <div className="flex flex-wrap gap-3">
                    {Array.from({ length: row.outputImageCount }, (_, n) => (
                      // Plain <img>: next/image would proxy data the user owns.
                      // eslint-disable-next-line @next/next/no-img-element
                      <img
                        key={n}
                        src={resultImagePath(source, row.customId, n, 'output')}
                        alt={`Output image ${n + 1} of ${row.customId}`}
                        referrerPolicy="no-referrer"
                        className="max-h-64 max-w-64 rounded border border-border"
                      />
                    ))}
                  </div>
                </section>
              ) : null}
              <JsonBlock title="Input line" text={pretty(data.inputLine)} empty="The input file is no longer in Batchboard." />
              <JsonBlock
                title="Output line"
                text={pretty(data.resultLine)}
                empty={row.status === 'missing' ? 'No output or error line came back for this request.' : 'The result file is no longer in Batchboard.'}
              />
            </>
          )}
        </div>
      ) : null}
    </Dialog>
  )
}
