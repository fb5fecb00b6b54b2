'use client'

import { useVirtualizer } from '@tanstack/react-virtual'
import { useRef } from 'react'
import { cn } from '@/components/ui/cn'
import type { BatchFileError } from '@/lib/jsonl'

// One row per error from md up; below that the line number sits beside code, field and message, stacked.
const WIDE_COLUMNS = 'md:grid-cols-[4.5rem_13rem_9rem_minmax(0,1fr)] md:gap-x-4 md:gap-y-0'

/**
 * Up to 1,000 errors as a table. Only the rows in view are in the DOM (a report can be long); each row is
 * measured because messages wrap to different heights.
 */
export function ErrorTable({ errors }: { errors: readonly BatchFileError[] }) {
  const scroller = useRef<HTMLDivElement>(null)
  // The virtualizer is read during render on purpose; nothing it returns is passed to memoized children.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: errors.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 44,
    overscan: 8,
  })
  return (
    <div className="overflow-hidden rounded-lg border border-border">
      <div role="table" aria-label="Errors by line" aria-rowcount={errors.length + 1} className="text-sm">
        <div role="rowgroup" className="hidden border-b border-border bg-subtle/60 text-xs text-muted uppercase md:block">
          <div role="row" aria-rowindex={1} className={`grid ${WIDE_COLUMNS} px-4 py-2`}>
            <div role="columnheader" className="font-medium">
              Line
            </div>
            <div role="columnheader" className="font-medium">
              Code
            </div>
            <div role="columnheader" className="font-medium">
              Field
            </div>
            <div role="columnheader" className="font-medium">
              Message
            </div>
          </div>
        </div>
        <div
          ref={scroller}
          // Focusable so the rows can be scrolled from the keyboard.
          tabIndex={0}
          className="max-h-[28rem] overflow-y-auto focus-visible:ring-2 focus-visible:ring-accent focus-visible:outline-none focus-visible:ring-inset"
        >
          <div role="rowgroup" className="relative" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const error = errors[item.index]
              if (!error) return null
              return (
                <div
                  key={item.key}
                  role="row"
                  aria-rowindex={item.index + 2}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  className={`grid grid-cols-[3.5rem_minmax(0,1fr)] gap-x-3 gap-y-1 ${WIDE_COLUMNS} absolute inset-x-0 top-0 border-b border-border px-4 py-2.5 last:border-b-0`}
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  <div role="cell" className="row-span-3 tabular-nums md:row-span-1">
                    {error.line === null ? <span className="text-muted">File</span> : error.line}
                  </div>
                  <div role="cell" className="font-mono text-xs leading-5 break-all text-danger">
                    {error.code}
                  </div>
                  <div role="cell" className={cn('font-mono text-xs leading-5 break-all text-muted', error.param === null && 'hidden md:block')}>
                    {error.param ?? '—'}
                  </div>
                  <div role="cell" className="min-w-0 break-words">
                    {error.message}
                  </div>
                </div>
              )
            })}
          </div>
        </div>
      </div>
    </div>
  )
}
