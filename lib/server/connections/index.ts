import 'server-only'
import type { ConnectionKind, ConnectionSummary } from '@/lib/types'
import { db } from '@/lib/server/db'

export const BUILTIN_CONNECTION_ID = 'builtin'

export async function listConnections(): Promise<ConnectionSummary[]> {
  const rows = await db.connection.findMany({
    include: { _count: { select: { batches: true } } },
    orderBy: [{ createdAt: 'asc' }],
  })
  // The built-in engine first: it is always there and is the default.
  rows.sort((a, b) => Number(b.id === BUILTIN_CONNECTION_ID) - Number(a.id === BUILTIN_CONNECTION_ID))
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind as ConnectionKind,
    name: row.name,
    baseUrl: row.baseUrl,
    apiKeyHint: row.apiKeyHint,
    batchCount: row._count.batches,
  }))
}
