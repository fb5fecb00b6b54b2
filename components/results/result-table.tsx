'use client'

import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import { ArrowDown, ArrowUp } from 'lucide-react'
import { useEffect, useRef } from 'react'
import { cn } from '@/components/ui/cn'
import { formatLatency, formatNumber } from '@/lib/format'
import { resultImagePath, type ResultSource } from '@/lib/queries/results'
import type { ResultRowSummary } from '@/lib/types'
import type { ResultImageSide, ResultSort } from '@/lib/validations/results'
import { ResultStatusBadge } from './result-status-badge'

const ROW_HEIGHT = 64
const COLUMNS = 'grid-cols-[4rem_9rem_minmax(0,1fr)_minmax(0,1.3fr)_8rem_5rem_5rem_5rem]'

// Plain <img> (next/image would proxy data the user owns); at most two per cell, so a row keeps its height.
function Thumbnails({ source, customId, count, side }: { source: ResultSource; customId: string; count: number; side: ResultImageSide }) {
  return Array.from({ length: Math.min(count, 2) }, (_, n) => (
    // eslint-disable-next-line @next/next/no-img-element
    <img
      key={n}
      src={resultImagePath(source, customId, n, side)}
      alt={`${side === 'input' ? 'Image' : 'Output image'} ${n + 1} of ${customId}`}
      referrerPolicy="no-referrer"
      loading="lazy"
      className="size-10 shrink-0 rounded border border-border object-cover"
    />
  ))
}

const column = createColumnHelper<ResultRowSummary>()

type Props = {
  source: ResultSource
  rows: ResultRowSummary[]
  sort: ResultSort
  order: 'asc' | 'desc'
  onSort: (sort: ResultSort) => void
  onOpen: (index: number) => void
  hasMore: boolean
  loadMore: () => void
}

/** One row per custom_id; only the rows in view are in the DOM, and the next page loads as the end comes into view. */
export function ResultTable({ source, rows, sort, order, onSort, onOpen, hasMore, loadMore }: Props) {
  const columns = [
    column.accessor('line', { header: 'Line', cell: (info) => info.getValue() ?? '—' }),
    column.accessor('customId', {
      header: 'custom_id',
      cell: (info) => (
        <button
          type="button"
          onClick={() => onOpen(info.row.index)}
          className="truncate text-left font-mono text-xs text-accent hover:underline"
          aria-label={`Open ${info.getValue()}`}
        >
          {info.getValue()}
        </button>
      ),
    }),
    column.accessor('prompt', {
      header: 'Prompt',
      cell: (info) => (
        <div className="flex min-w-0 items-center gap-2">
          <Thumbnails source={source} customId={info.row.original.customId} count={info.row.original.imageCount} side="input" />
          <span className="line-clamp-2 min-w-0 break-words">{info.getValue() || <span className="text-muted">—</span>}</span>
        </div>
      ),
    }),
    column.accessor('response', {
      header: 'Response',
      cell: (info) => {
        const row = info.row.original
        if (row.status !== 'succeeded')
          return (
            <span className="line-clamp-2 break-words text-danger">
              {row.errorMessage ?? row.errorCode ?? (row.status === 'missing' ? 'No result came back for this line.' : '—')}
            </span>
          )
        return (
          <div className="flex min-w-0 items-center gap-2">
            <Thumbnails source={source} customId={row.customId} count={row.outputImageCount} side="output" />
            <span className="line-clamp-2 min-w-0 break-words">{info.getValue() || <span className="text-muted">(empty)</span>}</span>
          </div>
        )
      },
    }),
    column.accessor('status', {
      header: 'Status',
      cell: (info) => (
        <div className="flex min-w-0 flex-col items-start gap-0.5">
          <ResultStatusBadge status={info.getValue()} />
          {info.row.original.errorCode ? <code className="max-w-full truncate font-mono text-[11px] text-muted">{info.row.original.errorCode}</code> : null}
        </div>
      ),
    }),
    column.accessor('totalTokens', { header: 'Tokens', cell: (info) => (info.getValue() === null ? '—' : formatNumber(info.getValue()!)) }),
    column.accessor('finishReason', { header: 'Finish', cell: (info) => info.getValue() ?? '—' }),
    column.accessor('latencyMs', { header: 'Latency', cell: (info) => (info.getValue() === null ? '—' : formatLatency(info.getValue()!)) }),
  ]
  // Both are read during render on purpose (like the error table's virtualizer); nothing they return reaches a memoized child.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel(), manualSorting: true })
  const scroller = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 10 })
  const items = virtualizer.getVirtualItems()
  const lastIndex = items.at(-1)?.index ?? -1
  useEffect(() => {
    if (hasMore && lastIndex >= rows.length - 20) loadMore()
  }, [hasMore, lastIndex, rows.length, loadMore])

  const sortable: Partial<Record<string, ResultSort>> = { line: 'line', status: 'status', totalTokens: 'tokens' }
  const tableRows = table.getRowModel().rows
  return (
    <div className="overflow-x-auto rounded-lg border border-border">
      <div role="table" aria-label="Results" aria-rowcount={rows.length + 1} className="min-w-[61rem] text-sm">
        <div role="rowgroup" className="border-b border-border bg-subtle/60 text-xs text-muted uppercase">
          {table.getHeaderGroups().map((group) => (
            <div role="row" key={group.id} className={`grid ${COLUMNS} gap-x-3 px-4 py-2`}>
              {group.headers.map((header) => {
                const key = sortable[header.column.id]
                const label = flexRender(header.column.columnDef.header, header.getContext())
                const active = key === sort
                return (
                  <div
                    role="columnheader"
                    key={header.id}
                    aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : undefined}
                    className="font-medium"
                  >
                    {key ? (
                      <button type="button" onClick={() => onSort(key)} className="inline-flex items-center gap-1 uppercase hover:text-foreground">
                        {label}
                        {active ? order === 'asc' ? <ArrowUp aria-hidden className="size-3" /> : <ArrowDown aria-hidden className="size-3" /> : null}
                      </button>
                    ) : (
                      label
                    )}
                  </div>
                )
              })}
            </div>
          ))}
        </div>
        <div
          ref={scroller}
          tabIndex={0}
          className="max-h-[36rem] overflow-y-auto focus-visible:ring-2 focus-visible:ring-accent focus-visible:outline-none focus-visible:ring-inset"
        >
          <div role="rowgroup" className="relative" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const row = tableRows[item.index]
              if (!row) return null
              return (
                <div
                  key={row.original.customId}
                  role="row"
                  aria-rowindex={item.index + 2}
                  onClick={(event) => {
                    if (!(event.target as HTMLElement).closest('button, a')) onOpen(item.index)
                  }}
                  className={cn(`grid ${COLUMNS} absolute inset-x-0 top-0 cursor-pointer items-center gap-x-3 border-b border-border px-4 hover:bg-subtle/50`)}
                  style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                >
                  {row.getVisibleCells().map((cell) => (
                    <div role="cell" key={cell.id} className="min-w-0 tabular-nums">
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </div>
                  ))}
                </div>
              )
            })}
          </div>
        </div>
      </div>
    </div>
  )
}
