'use client'

import { CircleAlert, FileText } from 'lucide-react'
import { useSearchParams } from 'next/navigation'
import { useEffect, useRef, useState, type ReactNode } from 'react'
import { toast } from 'sonner'
import { PANEL } from '@/components/ui/card'
import { Button } from '@/components/ui/button'
import { cn } from '@/components/ui/cn'
import { Select } from '@/components/ui/select'
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_REQUESTS } from '@/lib/jsonl'
import { formatBytes, formatNumber } from '@/lib/format'
import { useFiles, useUploadBatchFile, type UploadState } from '@/lib/queries/files'
import { CheckProgress } from './check-progress'
import { CheckSummary } from './check-summary'
import { ChosenFile, NextStepPlaceholder } from './chosen-file'
import { DropZone, FilePicker, useFileDrop } from './drop-zone'
import { ErrorBreakdown } from './error-breakdown'
import { formatMegabytes } from './file-format'
import { SampleFiles } from './sample-files'
import { UploadPanel } from './upload-panel'
import { useFileCheck, type FileCheck } from './use-file-check'

/**
 * Step one of a new batch: check a file in the browser, upload it, and keep it as the batch's file.
 * The chosen file lives in the address (?file=…) so a reload, or a link from Files, lands on it. The page passes the
 * next step (`nextStep`), which reads the chosen file from the address too.
 */
export function NewBatchFile({ nextStep }: { nextStep?: ReactNode } = {}) {
  const addressFileId = useSearchParams().get('file') || null
  const [chosenFileId, setChosenFileId] = useState(addressFileId)
  // Follows every change of the address: our own replaceState landing (which agrees with the choice by
  // then) and navigations such as the sidebar link or Back. Comparing with the last address seen, not with
  // the choice, keeps the render between a choice and its landing from undoing it.
  const [lastAddressFileId, setLastAddressFileId] = useState(addressFileId)
  if (addressFileId !== lastAddressFileId) {
    setLastAddressFileId(addressFileId)
    setChosenFileId(addressFileId)
  }

  // The file an upload found already stored, for the note on the chosen file.
  const [reusedFileId, setReusedFileId] = useState<string | null>(null)

  const { check, start: startCheck, reset: resetCheck } = useFileCheck()
  const upload = useUploadBatchFile()
  const input = useRef<HTMLInputElement>(null)

  function choose(fileId: string | null) {
    setChosenFileId(fileId)
    window.history.replaceState(null, '', fileId ? `?file=${encodeURIComponent(fileId)}` : window.location.pathname)
  }

  function checkFiles(files: File[]) {
    const [file] = files
    if (!file) return
    if (files.length > 1) toast.info('One file at a time', { description: `Checking “${file.name}”; drop the others one by one.` })
    upload.reset()
    if (chosenFileId !== null) choose(null)
    void startCheck(file)
  }

  const browse = () => input.current?.click()

  function keepUploaded(result: UploadState | null) {
    if (result?.status !== 'done') return
    const { file, reused } = result
    toast.success(reused ? `Using your earlier upload of ${file.filename}` : `Uploaded ${file.filename}`, {
      description: `${formatNumber(file.lineCount ?? 0)} requests, kept in Files.`,
    })
    resetCheck()
    upload.reset()
    setReusedFileId(reused ? file.id : null)
    choose(file.id)
  }

  async function uploadChecked() {
    if (check.status === 'checked') keepUploaded(await upload.start(check.file, check.sha256))
  }

  // A file dropped beside the targets would otherwise replace the page with the file's text.
  useEffect(() => {
    const keepPage = (event: DragEvent) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault()
    }
    window.addEventListener('dragover', keepPage)
    window.addEventListener('drop', keepPage)
    return () => {
      window.removeEventListener('dragover', keepPage)
      window.removeEventListener('drop', keepPage)
    }
  }, [])

  const filePicker = <FilePicker ref={input} accept=".jsonl" label="Batch file" onFiles={checkFiles} />

  if (chosenFileId !== null && check.status === 'idle') {
    return (
      <div className="space-y-4">
        {filePicker}
        <ChosenFile fileId={chosenFileId} reused={reusedFileId === chosenFileId} onChooseAnother={() => choose(null)} />
        {nextStep ?? <NextStepPlaceholder />}
      </div>
    )
  }

  return (
    <section aria-labelledby="batch-file-heading" className="space-y-4">
      {filePicker}
      <div>
        <h2 id="batch-file-heading" className="text-base font-semibold">
          Start from a batch file
        </h2>
        <p className="mt-1 text-sm text-muted">
          A <code className="font-mono">.jsonl</code> file with one request per line, each with a <code className="font-mono">custom_id</code>,{' '}
          <code className="font-mono">method</code>, <code className="font-mono">url</code> and <code className="font-mono">body</code>, as in OpenAI&apos;s
          Batch API.
        </p>
      </div>
      {check.status === 'idle' ? (
        <DropZone
          onFiles={checkFiles}
          onBrowse={browse}
          hint={`It is checked in your browser first; nothing is uploaded until you choose to. Over ${formatNumber(DEFAULT_MAX_REQUESTS)} requests or ${formatMegabytes(DEFAULT_MAX_BYTES)}, it runs as a job of several batches.`}
        />
      ) : (
        <CheckedFile check={check} onFiles={checkFiles} onBrowse={browse}>
          {check.status === 'reading' ? (
            <CheckProgress bytes={check.bytes} total={check.file.size} lines={check.lines} bytesPerSecond={check.bytesPerSecond} onCancel={resetCheck} />
          ) : check.status === 'refused' ? (
            <Problem title={check.problem.title}>{check.problem.message}</Problem>
          ) : check.status === 'crashed' ? (
            <Problem
              title="The file could not be checked"
              action={
                <Button variant="secondary" size="sm" onClick={() => void startCheck(check.file)}>
                  Try again
                </Button>
              }
            >
              {check.message}
            </Problem>
          ) : (
            <>
              <CheckSummary report={check.report} />
              {check.report.blockingErrorCount === 0 ? (
                <UploadPanel
                  state={upload.state}
                  bytes={check.file.size}
                  onUpload={() => void uploadChecked()}
                  onCancel={upload.cancel}
                  onRetry={() => void upload.retry().then(keepUploaded)}
                />
              ) : (
                <ErrorBreakdown filename={check.file.name} report={check.report} />
              )}
            </>
          )}
        </CheckedFile>
      )}
      {check.status === 'idle' ? <StoredFilePicker onPick={choose} /> : null}
      <SampleFiles onFile={(file) => checkFiles([file])} />
    </section>
  )
}

/** The card for a file being checked or checked: its name, and a drop target for the next one. */
function CheckedFile({
  check,
  onFiles,
  onBrowse,
  children,
}: {
  check: Exclude<FileCheck, { status: 'idle' }>
  onFiles: (files: File[]) => void
  onBrowse: () => void
  children: ReactNode
}) {
  const { dragging, dropHandlers } = useFileDrop(onFiles)
  return (
    <div {...dropHandlers} className={cn(PANEL, 'transition-colors', dragging && 'border-accent ring-2 ring-accent/30')}>
      <div className="flex items-center gap-3 border-b border-border px-4 py-3">
        <FileText aria-hidden className="size-4 shrink-0 text-muted" />
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-medium">{check.file.name}</p>
          <p className="text-xs text-muted">{dragging ? 'Drop to check this file instead' : formatBytes(check.file.size)}</p>
        </div>
        <Button variant="ghost" size="sm" onClick={onBrowse}>
          Choose another file
        </Button>
      </div>
      {children}
    </div>
  )
}

function Problem({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <div role="alert" className="flex items-start gap-3 px-4 py-4">
      <CircleAlert aria-hidden className="mt-0.5 size-5 shrink-0 text-danger" />
      <div className="min-w-0 flex-1">
        <h2 className="text-base font-semibold">{title}</h2>
        <p className="mt-0.5 text-sm text-muted">{children}</p>
      </div>
      {action}
    </div>
  )
}

/** The other way in: a batch input file uploaded before, from the library. Shown only when there is one. */
function StoredFilePicker({ onPick }: { onPick: (fileId: string) => void }) {
  const { data } = useFiles({ purpose: 'batch', limit: 200 })
  const files = data?.data.filter((file) => file.endpoint !== null) ?? []
  if (files.length === 0) return null
  return (
    <div className={cn(PANEL, 'flex flex-wrap items-center gap-3 px-4 py-3')}>
      <label htmlFor="stored-file" className="text-sm font-medium">
        Or use a file you uploaded before
      </label>
      <Select
        id="stored-file"
        defaultValue=""
        onChange={(event) => {
          if (event.target.value) onPick(event.target.value)
        }}
        className="min-w-0 flex-1"
      >
        <option value="" disabled>
          Choose from {formatNumber(files.length)} stored {files.length === 1 ? 'file' : 'files'}…
        </option>
        {files.map((file) => (
          <option key={file.id} value={file.id}>
            {file.filename} · {formatNumber(file.lineCount ?? 0)} requests · {formatBytes(file.bytes)}
          </option>
        ))}
      </Select>
    </div>
  )
}
