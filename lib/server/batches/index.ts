import 'server-only'
import type { BatchStatus } from '@/lib/batch'
import type { BatchSummary, Page } from '@/lib/types'
import type { BatchListQuery } from '@/lib/validations/batches'
import { db } from '@/lib/server/db'

export async function listBatches(query: BatchListQuery): Promise<Page<BatchSummary>> {
  const where = { status: query.status, connectionId: query.connectionId }
  const [rows, total] = await Promise.all([
    db.batch.findMany({
      where,
      include: { connection: { select: { name: true } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      ...(query.cursor ? { cursor: { id: query.cursor } } : {}),
    }),
    db.batch.count({ where }),
  ])
  const page = rows.slice(0, query.limit)
  return {
    data: page.map((row) => ({
      id: row.id,
      connectionId: row.connectionId,
      connectionName: row.connection.name,
      remoteId: row.remoteId,
      endpoint: row.endpoint,
      model: row.model,
      status: row.status as BatchStatus,
      description: row.description,
      metadata: row.metadata as Record<string, string> | null,
      requestCounts: { total: row.requestCountTotal, completed: row.requestCountCompleted, failed: row.requestCountFailed },
      createdAt: row.createdAt.toISOString(),
      completedAt: row.completedAt?.toISOString() ?? null,
    })),
    nextCursor: rows.length > query.limit ? (rows[query.limit]?.id ?? null) : null,
    total,
  }
}
