import 'server-only'
import type { FileSummary } from '@/lib/types'
import type { File as FileRow } from '@/lib/server/db/generated/client'

export type { FileRow }

type FileCounts = { _count?: { inputOf: number; outputOf: number; errorOf: number } }

/** `includeBatchCount` on a query gives the row what `batchCount` needs. */
export const includeBatchCount = { _count: { select: { inputOf: true, outputOf: true, errorOf: true } } } as const

export const toFileSummary = (row: FileRow & FileCounts): FileSummary => ({
  id: row.id,
  filename: row.filename,
  purpose: row.purpose,
  bytes: Number(row.bytes),
  lineCount: row.lineCount,
  endpoint: row.endpoint,
  model: row.model,
  createdAt: row.createdAt.toISOString(),
  batchCount: row._count ? row._count.inputOf + row._count.outputOf + row._count.errorOf : 0,
})
