'use client'

import { Download, FileText, Trash2, Upload } from 'lucide-react'
import Link from 'next/link'
import { useState } from 'react'
import { PANEL } from '@/components/ui/card'
import { cn } from '@/components/ui/cn'
import { Button } from '@/components/ui/button'
import { ButtonLink } from '@/components/ui/button-link'
import { EmptyState } from '@/components/ui/empty-state'
import { ErrorNotice } from '@/components/ui/error-notice'
import { ListSkeleton } from '@/components/ui/skeleton'
import { formatBytes, formatDateTime, formatNumber, formatRelative } from '@/lib/format'
import { useFilePages } from '@/lib/queries/files'
import type { FileSummary } from '@/lib/types'
import { DeleteFileDialog } from './delete-file-dialog'

export function FileList() {
  const { data, error, isPending, refetch, hasNextPage, fetchNextPage, isFetchingNextPage } = useFilePages()
  const [deleting, setDeleting] = useState<FileSummary | null>(null)
  if (isPending) return <ListSkeleton label="Loading files" />
  if (error) return <ErrorNotice title="Could not load files" message={error.message} onRetry={() => void refetch()} />
  const files = data.pages.flatMap((page) => page.data)
  const total = data.pages[0]?.total ?? 0
  if (files.length === 0) {
    return (
      <EmptyState
        icon={FileText}
        title="No files yet"
        action={
          <ButtonLink href="/batches/new">
            <Upload aria-hidden className="size-4" />
            Upload a .jsonl file
          </ButtonLink>
        }
      >
        Upload a batch file on the New batch page: it is checked in your browser, then kept here for your batches. Output and error files that batches produce
        appear here too.
      </EmptyState>
    )
  }
  return (
    <div className="space-y-3">
      <div className={cn(PANEL, 'overflow-x-auto')}>
        <table className="w-full text-left text-sm">
          <thead className="border-b border-border text-xs text-muted uppercase">
            <tr>
              <th className="px-4 py-2.5 font-medium">Name</th>
              <th className="px-4 py-2.5 text-right font-medium">Size</th>
              <th className="px-4 py-2.5 text-right font-medium">Requests</th>
              <th className="px-4 py-2.5 font-medium">Endpoint</th>
              <th className="px-4 py-2.5 font-medium">Model</th>
              <th className="px-4 py-2.5 font-medium">Created</th>
              <th className="px-4 py-2.5 text-right font-medium">Batches</th>
              <th className="px-4 py-2.5">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-border">
            {files.map((file) => (
              <tr key={file.id} className="hover:bg-subtle/60">
                <td className="max-w-72 px-4 py-3">
                  <Link href={`/files/${file.id}`} className="block truncate font-medium hover:underline" title={file.filename}>
                    {file.filename}
                  </Link>
                  <div className="text-xs text-muted">{file.purpose === 'batch_output' ? 'Batch output' : 'Batch input'}</div>
                </td>
                <td className="px-4 py-3 text-right whitespace-nowrap tabular-nums">{formatBytes(file.bytes)}</td>
                <td className="px-4 py-3 text-right tabular-nums">{file.lineCount === null ? '—' : formatNumber(file.lineCount)}</td>
                <td className="px-4 py-3 font-mono text-xs whitespace-nowrap">{file.endpoint ?? '—'}</td>
                <td className="px-4 py-3 font-mono text-xs whitespace-nowrap">{file.model ?? '—'}</td>
                <td className="px-4 py-3 whitespace-nowrap text-muted" title={formatDateTime(file.createdAt)}>
                  {formatRelative(file.createdAt)}
                </td>
                <td className="px-4 py-3 text-right tabular-nums">
                  {file.batchCount === 0 ? <span className="text-muted">0</span> : formatNumber(file.batchCount)}
                </td>
                <td className="px-2 py-3">
                  <div className="flex justify-end gap-0.5">
                    <Button asChild variant="ghost" size="icon" title="Download">
                      <a href={`/api/files/${file.id}/content`} download aria-label={`Download ${file.filename}`}>
                        <Download aria-hidden className="size-4" />
                      </a>
                    </Button>
                    <Button variant="ghost" size="icon" title="Delete" aria-label={`Delete ${file.filename}`} onClick={() => setDeleting(file)}>
                      <Trash2 aria-hidden className="size-4" />
                    </Button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="flex items-center justify-between gap-4 text-xs text-muted">
        <span>
          {files.length === total
            ? `${formatNumber(total)} ${total === 1 ? 'file' : 'files'}`
            : `Showing ${formatNumber(files.length)} of ${formatNumber(total)} files`}
        </span>
        {hasNextPage ? (
          <Button variant="secondary" size="sm" disabled={isFetchingNextPage} onClick={() => void fetchNextPage()}>
            {isFetchingNextPage ? 'Loading…' : 'Show more'}
          </Button>
        ) : null}
      </div>
      {deleting ? <DeleteFileDialog file={deleting} open onOpenChange={(open) => (open ? undefined : setDeleting(null))} /> : null}
    </div>
  )
}
