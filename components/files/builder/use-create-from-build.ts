'use client'

import { useRouter } from 'next/navigation'
import { useState } from 'react'
import { toast } from 'sonner'
import { uploadSourceTable } from '@/lib/queries/builder'
import { useUploadBatchFile } from '@/lib/queries/files'
import { useCreateJob } from '@/lib/queries/jobs'
import type { FileSummary } from '@/lib/types'
import type { ExportParts } from './use-table-build'

/** Run as a job: on which connection, with how many attempts per line. */
export type BuildJob = { connectionId: string; connectionName: string; maxAttempts: number }

/**
 * Create batch from a built file: uploads each part with the table it was built from (so answers can be joined back
 * to it), then opens New batch for a single file, or lists the uploaded parts (`created`) to start one batch each.
 * With a job, all the rows go up as one file (however many batches they make: the job splits it by the connection's
 * limits), the job starts at once and its page opens.
 */
export function useCreateFromBuild({ filename, outcomeId, onExport }: { filename: string; outcomeId: number; onExport: ExportParts }) {
  const router = useRouter()
  const upload = useUploadBatchFile()
  const createJob = useCreateJob()
  const [busy, setBusy] = useState(false)
  const [created, setCreated] = useState<{ id: number; files: FileSummary[] } | null>(null)
  const [error, setError] = useState<string | null>(null)

  async function create(job: BuildJob | null = null) {
    setBusy(true)
    setError(null)
    try {
      const parts = await onExport({ whole: job !== null })
      const files: FileSummary[] = []
      for (const part of parts) {
        const result = await upload.start(new File([part.file], part.name, { type: 'application/jsonl' }))
        if (result.status !== 'done') throw new Error(result.status === 'failed' ? result.error.message : 'The upload was cancelled.')
        await uploadSourceTable(result.file.id, part.table)
        files.push(result.file)
      }
      const [first] = files
      if (job && first) {
        const { id } = await createJob.mutateAsync({
          fileId: first.id,
          connectionId: job.connectionId,
          completionWindow: '24h',
          maxAttempts: job.maxAttempts,
        })
        toast.success('Job created', { description: `${id} runs ${first.filename} on ${job.connectionName}.` })
        router.push(`/jobs/${id}`)
      } else if (files.length === 1 && first) {
        toast.success(`Uploaded ${first.filename}`, { description: `Built from ${filename}; choose where it runs.` })
        router.push(`/batches/new?file=${encodeURIComponent(first.id)}`)
      } else setCreated({ id: outcomeId, files })
    } catch (failure) {
      // An ActionError is an Error whose message is the server's.
      setError(failure instanceof Error ? failure.message : 'The file could not be uploaded. Try again.')
    } finally {
      setBusy(false)
    }
  }

  const uploading = upload.state.status === 'uploading' ? upload.state : null
  return {
    create,
    busy,
    error,
    /** The uploaded parts, while they belong to the current build. */
    createdFiles: created?.id === outcomeId ? created.files : null,
    /** Share of the current part sent; null while unknown. */
    progress: uploading && uploading.totalBytes > 0 ? uploading.sentBytes / uploading.totalBytes : null,
  }
}
