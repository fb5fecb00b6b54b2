'use client'

import { FileText, Upload } from 'lucide-react'
import Link from 'next/link'
import { Button } from '@/components/ui/button'
import { EmptyState } from '@/components/ui/empty-state'
import { ErrorNotice } from '@/components/ui/error-notice'
import { ListSkeleton } from '@/components/ui/skeleton'
import { formatBytes, formatNumber, formatRelative } from '@/lib/format'
import { useFiles } from '@/lib/queries/files'

export function FileList() {
  const { data, error, isPending, refetch } = useFiles()
  if (isPending) return <ListSkeleton label="Loading files" />
  if (error) return <ErrorNotice title="Could not load files" message={error.message} onRetry={() => void refetch()} />
  if (data.data.length === 0) {
    return (
      <EmptyState
        icon={FileText}
        title="No files yet"
        action={
          <Button asChild>
            <Link href="/batches/new">
              <Upload aria-hidden className="size-4" />
              Upload a .jsonl file
            </Link>
          </Button>
        }
      >
        Batch input files you upload, and the output and error files batches produce, are kept here.
      </EmptyState>
    )
  }
  return (
    <ul className="divide-y divide-border rounded-xl border border-border bg-surface">
      {data.data.map((file) => (
        <li key={file.id} className="flex items-center gap-4 px-4 py-3 text-sm">
          <FileText aria-hidden className="size-4 shrink-0 text-muted" />
          <div className="min-w-0 flex-1">
            <div className="truncate font-medium">{file.filename}</div>
            <div className="text-xs text-muted">
              {file.purpose === 'batch_output' ? 'Batch output' : 'Batch input'}
              {file.lineCount !== null ? ` · ${formatNumber(file.lineCount)} lines` : ''}
              {file.model ? ` · ${file.model}` : ''}
            </div>
          </div>
          <div className="text-right text-xs text-muted tabular-nums">
            <div>{formatBytes(file.bytes)}</div>
            <div title={file.createdAt}>{formatRelative(file.createdAt)}</div>
          </div>
        </li>
      ))}
    </ul>
  )
}
