import { CircleAlert, RotateCw, Upload } from 'lucide-react'
import { Button } from '@/components/ui/button'
import { ProgressBar } from '@/components/ui/progress-bar'
import { formatBytes } from '@/lib/format'
import type { UploadState } from '@/lib/queries/files'
import { describeTransfer, formatPercent } from './file-format'

// Sending the same bytes again cannot change these answers.
const FINAL_ERRORS = new Set(['invalid_file', 'file_too_large', 'invalid_request'])

type UploadPanelProps = {
  state: UploadState
  bytes: number
  onUpload: () => void
  onCancel: () => void
  onRetry: () => void
}

/** The upload step under a file that passed the check. */
export function UploadPanel({ state, bytes, onUpload, onCancel, onRetry }: UploadPanelProps) {
  return (
    <div aria-live="polite" className="border-t border-border px-4 py-4">
      {state.status === 'idle' || state.status === 'cancelled' ? (
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <Button onClick={onUpload}>
            <Upload aria-hidden className="size-4" />
            {state.status === 'cancelled' ? 'Upload again' : 'Upload'}
          </Button>
          <p className="text-sm text-muted">
            {state.status === 'cancelled'
              ? 'Upload cancelled; nothing was kept on the server.'
              : `Sends ${formatBytes(bytes)} to Batchboard, which checks it again and keeps it in Files.`}
          </p>
        </div>
      ) : state.status === 'uploading' ? (
        <div className="space-y-2.5">
          <div className="flex items-center justify-between gap-4 text-sm">
            <span className="font-medium">Uploading… {formatPercent(state.totalBytes > 0 ? state.sentBytes / state.totalBytes : 0)}</span>
            <Button variant="secondary" size="sm" onClick={onCancel}>
              Cancel upload
            </Button>
          </div>
          <ProgressBar value={state.totalBytes > 0 ? state.sentBytes / state.totalBytes : 0} label="Uploading the file" />
          <p className="text-xs text-muted tabular-nums">{describeTransfer(state.sentBytes, state.totalBytes, state.bytesPerSecond)}</p>
        </div>
      ) : state.status === 'finishing' || state.status === 'done' ? (
        <div className="space-y-2.5">
          <p className="text-sm font-medium">All bytes sent; the server is checking the file…</p>
          <ProgressBar value={null} label="Checking on the server" />
        </div>
      ) : state.status === 'cancelling' ? (
        <p className="text-sm text-muted">Cancelling the upload…</p>
      ) : (
        <div role="alert" className="flex flex-wrap items-start gap-3 rounded-lg border border-danger/40 bg-danger/5 p-3 text-sm">
          <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-danger" />
          <div className="min-w-0 flex-1">
            <p className="font-medium">The upload stopped</p>
            <p className="mt-0.5 text-muted">{state.error.message}</p>
          </div>
          <div className="flex gap-2">
            {FINAL_ERRORS.has(state.error.code) ? null : (
              <Button size="sm" onClick={onRetry}>
                <RotateCw aria-hidden className="size-3.5" />
                Retry
              </Button>
            )}
            <Button variant="secondary" size="sm" onClick={onCancel}>
              Cancel upload
            </Button>
          </div>
        </div>
      )}
    </div>
  )
}
