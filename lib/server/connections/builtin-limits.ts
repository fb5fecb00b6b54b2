import 'server-only'
import { BUILTIN_CONNECTION_ID } from '@/lib/constants'
import { Prisma } from '@/lib/server/db/generated/client'
import { db } from '@/lib/server/db'
import { notFound } from '@/lib/server/http/errors'
import type { ConnectionSummary } from '@/lib/types'
import { connectionLimitsInput, type ConnectionLimitsInput } from '@/lib/validations/connections'
import { listConnections } from './index'

/**
 * The built-in engine's own limits: the size of the parts a job cuts for it and the tokens it keeps enqueued per
 * model. Stored on its connection row like any connection's (omitted keeps a limit, null goes back to the default);
 * the rest of that row is Batchboard's, so this is the only write it takes from the dashboard.
 */
export async function saveBuiltinLimits(raw: ConnectionLimitsInput): Promise<ConnectionSummary> {
  const input = connectionLimitsInput.parse(raw)
  await db.connection.update({
    where: { id: BUILTIN_CONNECTION_ID },
    data: {
      ...(input.maxRequestsPerBatch === undefined ? {} : { maxRequestsPerBatch: input.maxRequestsPerBatch }),
      ...(input.maxBytesPerBatch === undefined ? {} : { maxBytesPerBatch: input.maxBytesPerBatch === null ? null : BigInt(input.maxBytesPerBatch) }),
      ...(input.enqueuedTokenLimits === undefined ? {} : { enqueuedTokenLimits: input.enqueuedTokenLimits ?? Prisma.DbNull }),
    },
  })
  const saved = (await listConnections()).find((connection) => connection.id === BUILTIN_CONNECTION_ID)
  if (!saved) throw notFound('connection', BUILTIN_CONNECTION_ID)
  return saved
}
