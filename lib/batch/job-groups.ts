import type { BatchListItem, BatchListJob } from '@/lib/types'

/** A row of the batch list: a batch started on its own, or a job with the parts of it that the loaded pages hold. */
export type BatchListEntry = { kind: 'batch'; batch: BatchListItem } | { kind: 'job'; jobId: string; job: BatchListJob | null; parts: BatchListItem[] }

/**
 * Gathers a job's part batches under one row, placed where its first part falls in the list's order, so sorting and
 * paging stay the batches' own (keyset over the Batch table) and a job never moves a batch it does not own.
 */
export function groupByJob(batches: readonly BatchListItem[], jobs: Readonly<Record<string, BatchListJob>>): BatchListEntry[] {
  const entries: BatchListEntry[] = []
  const groups = new Map<string, BatchListItem[]>()
  for (const batch of batches) {
    if (batch.jobId === null) {
      entries.push({ kind: 'batch', batch })
      continue
    }
    const parts = groups.get(batch.jobId)
    if (parts) parts.push(batch)
    else {
      const group = [batch]
      groups.set(batch.jobId, group)
      entries.push({ kind: 'job', jobId: batch.jobId, job: jobs[batch.jobId] ?? null, parts: group })
    }
  }
  return entries
}
