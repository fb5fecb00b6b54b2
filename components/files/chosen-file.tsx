'use client'

import { FileCheck2, Info } from 'lucide-react'
import Link from 'next/link'
import { PANEL } from '@/components/ui/card'
import { cn } from '@/components/ui/cn'
import { Button } from '@/components/ui/button'
import { ErrorNotice } from '@/components/ui/error-notice'
import { Skeleton } from '@/components/ui/skeleton'
import { formatBytes, formatCompact, formatDateTime, formatNumber } from '@/lib/format'
import { useFile } from '@/lib/queries/files'

/** The stored file a new batch will run, with a note when an identical earlier upload was reused. */
export function ChosenFile({ fileId, reused, onChooseAnother }: { fileId: string; reused: boolean; onChooseAnother: () => void }) {
  const { data: file, error, isPending } = useFile(fileId)
  if (isPending) {
    return (
      <div role="status" aria-label="Loading the chosen file" className={cn(PANEL, 'p-4')}>
        <Skeleton className="h-5 w-1/3" />
        <Skeleton className="mt-3 h-4 w-2/3" />
      </div>
    )
  }
  if (error) {
    return (
      <div className="space-y-3">
        <ErrorNotice title="This file is not available" message={error.message} />
        <Button variant="secondary" onClick={onChooseAnother}>
          Choose another file
        </Button>
      </div>
    )
  }
  const facts = [
    `${formatNumber(file.lineCount ?? 0)} ${file.lineCount === 1 ? 'request' : 'requests'}`,
    file.endpoint,
    file.model,
    formatBytes(file.bytes),
    file.estimatedInputTokens === null ? null : `≈ ${formatCompact(file.estimatedInputTokens)} input tokens`,
  ].filter((fact): fact is string => fact !== null)
  return (
    <section aria-labelledby="chosen-file-heading" className={PANEL}>
      <div className="flex flex-wrap items-start gap-3 px-4 py-4">
        <FileCheck2 aria-hidden className="mt-0.5 size-5 shrink-0 text-success" />
        <div className="min-w-0 flex-1">
          <p className="text-xs text-muted">Batch file</p>
          <h2 id="chosen-file-heading" className="truncate text-base font-semibold">
            <Link href={`/files/${file.id}`} className="hover:underline">
              {file.filename}
            </Link>
          </h2>
          <p className="mt-0.5 text-sm text-muted">{facts.join(' · ')}</p>
        </div>
        <Button variant="secondary" size="sm" onClick={onChooseAnother}>
          Choose another file
        </Button>
      </div>
      {reused ? (
        <p className="flex items-start gap-2 border-t border-border px-4 py-3 text-sm">
          <Info aria-hidden className="mt-0.5 size-4 shrink-0 text-accent" />
          <span>
            You uploaded this file before as <span className="font-medium">{file.filename}</span> on {formatDateTime(file.createdAt)} — using it.
          </span>
        </p>
      ) : null}
    </section>
  )
}

/** Where the rest of the New batch flow will go; says plainly that it is not built yet. */
export function NextStepPlaceholder() {
  return (
    <section aria-labelledby="next-step-heading" className="rounded-xl border border-dashed border-border px-4 py-4">
      <h2 id="next-step-heading" className="text-sm font-semibold">
        Next: choose where it runs, review, start
      </h2>
      <p className="mt-1 text-sm text-muted">
        Starting a batch from this page is not built yet; batches can be created here once that step lands. Your file is kept in{' '}
        <Link href="/files" className="font-medium text-accent hover:underline">
          Files
        </Link>{' '}
        until then.
      </p>
    </section>
  )
}
