'use client'

import { useSearchParams } from 'next/navigation'
import { useEffect, useRef } from 'react'
import { PANEL } from '@/components/ui/card'
import { cn } from '@/components/ui/cn'
import { ErrorNotice } from '@/components/ui/error-notice'
import { Skeleton } from '@/components/ui/skeleton'
import { formatNumber } from '@/lib/format'
import { useFilePreview, type PreviewWindow } from '@/lib/queries/files'
import type { FilePreview } from '@/lib/types'

const PREVIEW_LINES = 20
/** A linked line up to here is shown with everything above it; a later one in a window around it. */
const MAX_PREVIEW_LINES = 200
const CONTEXT_LINES = 10

function previewWindow(line: number | null): PreviewWindow {
  if (line === null) return { from: 1, lines: PREVIEW_LINES }
  if (line <= MAX_PREVIEW_LINES) return { from: 1, lines: Math.max(PREVIEW_LINES, line) }
  return { from: line - CONTEXT_LINES, lines: 2 * CONTEXT_LINES + 1 }
}

// A line that is not JSON (an output file never is anything else, but an old upload might be) is shown as it is.
function prettyPrint(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

function describeShown(lines: FilePreview['lines'], truncated: boolean, lineCount: number | null): string {
  const shown = lines.length
  const first = lines[0]?.line ?? 1
  const of = lineCount === null ? '' : ` of ${formatNumber(lineCount)}`
  if (first > 1) return `Lines ${formatNumber(first)}–${formatNumber(first + shown - 1)}${of}; download the file for the rest.`
  if (!truncated) return `All ${shown} ${shown === 1 ? 'line' : 'lines'}`
  return `First ${shown}${of} lines; download the file for the rest.`
}

/** The first lines of a stored file, each JSON line formatted, long values wrapped. */
export function FilePreview({ fileId, lineCount }: { fileId: string; lineCount: number | null }) {
  // `?line=N` (from a batch's error table) shows the file down to that line and marks it.
  const requested = Number(useSearchParams().get('line'))
  const line = Number.isInteger(requested) && requested > 0 ? requested : null
  const { data, error, isPending, refetch } = useFilePreview(fileId, { window: previewWindow(line) })
  const marked = useRef<HTMLLIElement>(null)
  useEffect(() => {
    if (data) marked.current?.scrollIntoView({ block: 'center' })
  }, [data])
  return (
    <section aria-labelledby="preview-heading" className={PANEL}>
      <div className="flex items-baseline justify-between gap-4 border-b border-border px-4 py-3">
        <h2 id="preview-heading" className="text-sm font-semibold">
          Preview
        </h2>
        {data ? <span className="text-xs text-muted">{describeShown(data.lines, data.truncated, lineCount)}</span> : null}
      </div>
      {isPending ? (
        <div role="status" aria-label="Loading the preview" className="space-y-2 p-4">
          <Skeleton className="h-24 w-full" />
          <Skeleton className="h-24 w-full" />
        </div>
      ) : error ? (
        <div className="p-4">
          <ErrorNotice title="Could not load the preview" message={error.message} onRetry={() => void refetch()} />
        </div>
      ) : data.lines.length === 0 ? (
        <p className="p-4 text-sm text-muted">The file is empty.</p>
      ) : (
        // Scrolls on its own so twenty formatted requests do not push the rest of the page away; focusable for the keyboard.
        <ol
          tabIndex={0}
          aria-label="Lines of the file"
          className="max-h-[36rem] divide-y divide-border overflow-y-auto rounded-b-xl focus-visible:ring-2 focus-visible:ring-accent focus-visible:outline-none focus-visible:ring-inset"
        >
          {data.lines.map(({ line: number, text }) => (
            <li
              key={number}
              ref={number === line ? marked : undefined}
              aria-current={number === line ? 'location' : undefined}
              className={cn('flex gap-4 px-4 py-3', number === line && 'bg-warning/15 ring-1 ring-warning/40 ring-inset')}
            >
              <span aria-label={`Line ${number}`} className="w-8 shrink-0 pt-px text-right font-mono text-xs text-muted tabular-nums select-none">
                {number}
              </span>
              <pre className="min-w-0 flex-1 font-mono text-xs leading-5 whitespace-pre-wrap wrap-anywhere">{prettyPrint(text)}</pre>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
