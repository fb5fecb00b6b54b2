import 'server-only'
import type { FileSummary } from '@/lib/types'
import type { File as FileRow } from '@/lib/server/db/generated/client'

export type { FileRow }

export const toFileSummary = (row: FileRow): FileSummary => ({
  id: row.id,
  filename: row.filename,
  purpose: row.purpose,
  bytes: Number(row.bytes),
  lineCount: row.lineCount,
  endpoint: row.endpoint,
  model: row.model,
  createdAt: row.createdAt.toISOString(),
})
