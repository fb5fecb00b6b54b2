import 'server-only'
import type { FileSummary, Page } from '@/lib/types'
import type { FileListQuery } from '@/lib/validations/files'
import { db } from '@/lib/server/db'

export async function listFiles(query: FileListQuery): Promise<Page<FileSummary>> {
  const where = { purpose: query.purpose }
  const [rows, total] = await Promise.all([
    db.file.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      ...(query.cursor ? { cursor: { id: query.cursor } } : {}),
    }),
    db.file.count({ where }),
  ])
  return {
    data: rows.slice(0, query.limit).map((row) => ({
      id: row.id,
      filename: row.filename,
      purpose: row.purpose,
      bytes: Number(row.bytes),
      lineCount: row.lineCount,
      endpoint: row.endpoint,
      model: row.model,
      createdAt: row.createdAt.toISOString(),
    })),
    nextCursor: rows.length > query.limit ? (rows[query.limit]?.id ?? null) : null,
    total,
  }
}
