'use client'

import { ArrowLeft, Download, FileQuestion, Plus, Trash2 } from 'lucide-react'
import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { useState, type ReactNode } from 'react'
import { PANEL } from '@/components/ui/card'
import { cn } from '@/components/ui/cn'
import { Button } from '@/components/ui/button'
import { ButtonLink } from '@/components/ui/button-link'
import { EmptyState } from '@/components/ui/empty-state'
import { ErrorNotice } from '@/components/ui/error-notice'
import { PageHeader } from '@/components/ui/page-header'
import { STATUS_LABELS } from '@/lib/batch'
import { formatBytes, formatCompact, formatDateTime, formatNumber, formatRelative } from '@/lib/format'
import { ApiError } from '@/lib/queries/fetch-json'
import { useFile } from '@/lib/queries/files'
import type { FileDetail } from '@/lib/types'
import { DeleteFileDialog } from './delete-file-dialog'
import { FileDetailSkeleton } from './file-detail-skeleton'
import { FilePreview } from './file-preview'

export function FileDetailView({ fileId }: { fileId: string }) {
  const router = useRouter()
  const { data: file, error, isPending, refetch } = useFile(fileId)
  const [deleting, setDeleting] = useState(false)
  if (isPending) return <FileDetailSkeleton />
  if (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) {
      return (
        <EmptyState
          icon={FileQuestion}
          title="File not found"
          action={
            <ButtonLink href="/files" variant="secondary">
              Back to Files
            </ButtonLink>
          }
        >
          There is no file with the id <code className="font-mono">{fileId}</code>. It may have been deleted.
        </EmptyState>
      )
    }
    return <ErrorNotice title="Could not load the file" message={error.message} onRetry={() => void refetch()} />
  }
  const isInput = file.purpose === 'batch'
  return (
    <div className="space-y-6">
      <div className="space-y-3">
        <Link href="/files" className="inline-flex items-center gap-1.5 text-sm text-muted hover:text-foreground">
          <ArrowLeft aria-hidden className="size-4" />
          Files
        </Link>
        <PageHeader
          title={file.filename}
          description={`${isInput ? 'Batch input file' : 'Batch output file'} · ${formatDateTime(file.createdAt)}`}
          actions={
            <>
              {isInput && file.stored ? (
                <Button asChild variant="secondary">
                  <Link href={`/batches/new?file=${encodeURIComponent(file.id)}`}>
                    <Plus aria-hidden className="size-4" />
                    Use for a new batch
                  </Link>
                </Button>
              ) : null}
              {file.stored ? (
                <Button asChild variant="secondary">
                  <a href={`/api/files/${file.id}/content`} download>
                    <Download aria-hidden className="size-4" />
                    Download
                  </a>
                </Button>
              ) : null}
              <Button variant="secondary" onClick={() => setDeleting(true)} className="text-danger">
                <Trash2 aria-hidden className="size-4" />
                Delete
              </Button>
            </>
          }
        />
      </div>
      <FileFacts file={file} />
      <BatchesUsing batches={file.batches} />
      {file.stored ? (
        <FilePreview fileId={file.id} lineCount={file.lineCount} />
      ) : (
        <p className={cn(PANEL, 'px-4 py-3 text-sm text-muted')}>
          Only the provider has this file&apos;s bytes; Batchboard has no copy to preview or download yet.
        </p>
      )}
      <DeleteFileDialog file={file} open={deleting} onOpenChange={setDeleting} onDeleted={() => router.push('/files')} />
    </div>
  )
}

function FileFacts({ file }: { file: FileDetail }) {
  const items: { label: string; value: ReactNode }[] = [
    { label: 'Requests', value: file.lineCount === null ? '—' : formatNumber(file.lineCount) },
    { label: 'Endpoint', value: file.endpoint ? <code className="font-mono text-xs">{file.endpoint}</code> : '—' },
    { label: 'Model', value: file.model ? <code className="font-mono text-xs">{file.model}</code> : '—' },
    { label: 'Est. input tokens', value: file.estimatedInputTokens === null ? '—' : `≈ ${formatCompact(file.estimatedInputTokens)}` },
    { label: 'Size', value: formatBytes(file.bytes) },
    { label: 'Created', value: <span title={formatDateTime(file.createdAt)}>{formatRelative(file.createdAt)}</span> },
    { label: 'File id', value: <code className="font-mono text-xs">{file.id}</code> },
    {
      label: 'SHA-256',
      value: file.sha256 ? (
        <code title={file.sha256} className="font-mono text-xs">
          {file.sha256.slice(0, 16)}…
        </code>
      ) : (
        '—'
      ),
    },
  ]
  return (
    <dl className={cn(PANEL, 'grid grid-cols-2 gap-x-6 gap-y-4 px-4 py-4 text-sm sm:grid-cols-4')}>
      {items.map(({ label, value }) => (
        <div key={label} className="min-w-0">
          <dt className="text-xs text-muted">{label}</dt>
          <dd className="mt-0.5 truncate font-medium tabular-nums">{value}</dd>
        </div>
      ))}
    </dl>
  )
}

function BatchesUsing({ batches }: { batches: FileDetail['batches'] }) {
  return (
    <section aria-labelledby="batches-heading" className={PANEL}>
      <h2 id="batches-heading" className="border-b border-border px-4 py-3 text-sm font-semibold">
        Batches using this file
      </h2>
      {batches.length === 0 ? (
        <p className="px-4 py-3 text-sm text-muted">No batch has used this file yet.</p>
      ) : (
        <ul className="divide-y divide-border">
          {batches.map((batch) => (
            <li key={batch.id} className="flex items-center gap-4 px-4 py-3 text-sm">
              <div className="min-w-0 flex-1">
                <div className="truncate font-medium">{batch.description ?? batch.id}</div>
                {batch.description ? <div className="font-mono text-xs text-muted">{batch.id}</div> : null}
              </div>
              <span className="rounded-full bg-subtle px-2 py-0.5 text-xs font-medium text-muted ring-1 ring-border ring-inset">
                {STATUS_LABELS[batch.status]}
              </span>
              <span className="text-xs text-muted" title={formatDateTime(batch.createdAt)}>
                {formatRelative(batch.createdAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
