import { Download } from 'lucide-react'
import Link from 'next/link'
import { Button } from '@/components/ui/button'
import { Card } from '@/components/ui/card'
import { CopyIconButton } from '@/components/ui/copy-button'
import { isTerminal } from '@/lib/batch'
import { formatBytes, formatNumber } from '@/lib/format'
import type { BatchDetail, BatchFileRef } from '@/lib/types'
import { BUILTIN_CONNECTION_KIND } from '@/lib/constants'

/** The batch's input, output and error files, with downloads. */
export function Files({ batch }: { batch: BatchDetail }) {
  const noInput = batch.inputFile.id === null && batch.inputFile.remoteId === null
  const neverRan = batch.status === 'failed' && batch.requestCounts.total === 0
  const rows: { label: string; file: BatchFileRef | null; empty: string }[] = [
    { label: 'Input', file: noInput ? null : batch.inputFile, empty: 'Not in Batchboard: the file was deleted.' },
    {
      label: 'Output',
      file: batch.outputFile,
      empty: neverRan ? 'None: no line ran.' : isTerminal(batch.status) ? 'None: no line succeeded.' : 'Appears when the batch ends.',
    },
    {
      label: 'Errors',
      file: batch.errorFile,
      empty: neverRan ? 'None: no line ran.' : isTerminal(batch.status) ? 'None: no line failed.' : 'Appears when the batch ends, if any line failed.',
    },
  ]
  return (
    <Card padded={false} title="Files" id="files-heading">
      <ul className="divide-y divide-border">
        {rows.map(({ label, file, empty }) => (
          <li key={label} className="flex flex-wrap items-center gap-3 px-4 py-3 text-sm">
            <span className="w-16 shrink-0 text-xs text-muted">{label}</span>
            {file === null ? (
              <span className="text-muted">{empty}</span>
            ) : (
              <>
                <div className="min-w-0 flex-1">
                  {file.id ? (
                    <Link href={`/files/${file.id}`} className="font-medium hover:underline">
                      {file.filename ?? file.id}
                    </Link>
                  ) : (
                    <span className="text-muted">
                      {batch.connectionKind === BUILTIN_CONNECTION_KIND
                        ? 'Deleted from Batchboard'
                        : isTerminal(batch.status) && label !== 'Input' && batch.nextSyncAt !== null
                          ? 'Being copied from the provider…'
                          : 'Only on the provider'}
                    </span>
                  )}
                  <div className="flex items-center gap-1 text-xs text-muted">
                    <code className="font-mono">{file.id ?? file.remoteId}</code>
                    <CopyIconButton text={(file.id ?? file.remoteId)!} label={`Copy ${label.toLowerCase()} file id`} />
                    {file.bytes !== null ? <span>· {formatBytes(file.bytes)}</span> : null}
                    {file.lineCount !== null ? <span>· {formatNumber(file.lineCount)} lines</span> : null}
                  </div>
                </div>
                {file.id ? (
                  <Button asChild variant="secondary" size="sm">
                    <a href={`/api/files/${file.id}/content`} download aria-label={`Download ${label.toLowerCase()} file`}>
                      <Download aria-hidden className="size-4" />
                      Download
                    </a>
                  </Button>
                ) : null}
              </>
            )}
          </li>
        ))}
        {batch.builtFromTable ? (
          <li className="flex flex-wrap items-center gap-3 px-4 py-3 text-sm">
            <span className="w-16 shrink-0 text-xs text-muted">Table</span>
            <div className="min-w-0 flex-1">
              <p className="font-medium">The table this file was built from, with the answers</p>
              <p className="text-xs text-muted">Every source column, then the answer, status and error of each row, in the table&apos;s order (CSV).</p>
            </div>
            <Button asChild variant="secondary" size="sm">
              <a href={`/api/batches/${batch.id}/enriched.csv`} download>
                <Download aria-hidden className="size-4" />
                Table with answers
              </a>
            </Button>
          </li>
        ) : null}
      </ul>
    </Card>
  )
}

/** The batch's ids here and at its provider, to copy. */
export function Ids({ batch }: { batch: BatchDetail }) {
  const rows: { label: string; value: string | null; href?: string }[] = [
    { label: 'Batch id', value: batch.id },
    { label: 'Remote id', value: batch.remoteId },
    { label: 'Connection', value: batch.connectionId },
    // The provider's own file ids: what its dashboard and API know them by.
    ...(batch.connectionKind === BUILTIN_CONNECTION_KIND
      ? []
      : [
          { label: 'Remote input file', value: batch.inputFile.remoteId },
          { label: 'Remote output file', value: batch.outputFile?.remoteId ?? null },
          { label: 'Remote error file', value: batch.errorFile?.remoteId ?? null },
        ]),
    { label: 'Retry of', value: batch.parentBatchId, href: batch.parentBatchId ? `/batches/${batch.parentBatchId}` : undefined },
    ...batch.retryBatchIds.map((id, index) => ({ label: index === 0 ? 'Retried by' : '', value: id, href: `/batches/${id}` })),
  ]
  return (
    <Card padded={false} title="Ids" id="ids-heading">
      <dl className="divide-y divide-border text-sm">
        {rows
          .filter((row) => row.value !== null)
          .map(({ label, value, href }) => (
            <div key={`${label}:${value}`} className="flex items-center gap-3 px-4 py-2.5">
              <dt className="w-32 shrink-0 text-xs text-muted">{label}</dt>
              <dd className="flex min-w-0 items-center gap-1">
                {href ? (
                  <Link href={href} className="truncate font-mono text-xs text-accent hover:underline">
                    {value}
                  </Link>
                ) : (
                  <code className="truncate font-mono text-xs">{value}</code>
                )}
                <CopyIconButton text={value!} label={`Copy ${(label || 'retry').toLowerCase()}`} />
              </dd>
            </div>
          ))}
      </dl>
    </Card>
  )
}
