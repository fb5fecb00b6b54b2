import 'server-only'
import { logger } from '@/lib/server/log'
import { countSyncCall } from '@/lib/server/metrics'
import { isTerminal } from '@/lib/batch'
import { BUILTIN_CONNECTION_KIND } from '@/lib/constants'
import { Prisma } from '@/lib/server/db/generated/client'
import { onBatchTerminal } from '@/lib/server/batches/terminal'
import { requestJobTick } from '@/lib/server/jobs/wake'
import { db, dbKind, type BatchRow } from '@/lib/server/db'
import { publish, subscribe } from '@/lib/server/db/notify'
import { queryRows } from '@/lib/server/db/prepared'
import { claimSkipLocked, utcTimestamp } from '@/lib/server/db/skip-locked'
import { env } from '@/lib/server/env'
import { startPoller } from '@/lib/server/poller'
import { sweepRemoteFiles } from './cleanup'
import { getProviderConnection } from './provider'
import { copyRemoteFile } from './local-files'
import { mapRemoteBatch, type MappedBatch } from './map-batch'
import { describeProviderError, isNotFound, providerRetryAfterMs } from './provider-errors'
import { DEFAULT_SYNC_INTERVALS, nextSyncDelayMs, syncLookEveryMs, type SyncIntervals } from './sync-policy'
import type { ProviderConnection, RemoteBatch } from './types'

export type SyncOptions = Partial<SyncIntervals> & {
  /** How often the loop looks for batches that are due. */
  pollMs?: number
  /** Batches synced at once. */
  concurrency?: number
}

type SyncState = { intervals: SyncIntervals; wake: () => void }

// One loop per process (Next's dev server re-evaluates modules); the intervals are read by every sync.
const globalForSync = globalThis as unknown as { batchboardSync?: SyncState & { stop(): Promise<void> }; batchboardSyncListening?: boolean }
const intervals = () => globalForSync.batchboardSync?.intervals ?? DEFAULT_SYNC_INTERVALS

/** A claim keeps other processes off a batch while one syncs it; it lapses if the process dies. */
const CLAIM_MS = 2 * 60 * 1000

const needsFiles = (row: Pick<BatchRow, 'remoteOutputFileId' | 'outputFileId' | 'remoteErrorFileId' | 'errorFileId'>) =>
  (row.remoteOutputFileId !== null && row.outputFileId === null) || (row.remoteErrorFileId !== null && row.errorFileId === null)

/** Whether a remote batch still needs the provider: running, or finished with files not yet copied here. */
export const needsSync = (row: Pick<BatchRow, 'status' | 'remoteOutputFileId' | 'outputFileId' | 'remoteErrorFileId' | 'errorFileId'>) =>
  !isTerminal(row.status) || needsFiles(row)

type JsonColumn = Prisma.InputJsonValue | typeof Prisma.DbNull

const jsonColumn = (value: unknown): JsonColumn | undefined =>
  value === undefined ? undefined : value === null ? Prisma.DbNull : (value as Prisma.InputJsonValue)

/** Columns a fresh provider answer writes, for the create, cancel and import paths as well as the sync. */
export function rowFromRemote(remote: RemoteBatch | unknown): Omit<MappedBatch, 'metadata' | 'errors'> & {
  metadata?: JsonColumn
  errors?: JsonColumn
  syncedAt: Date
  syncError: null
  syncFailures: number
} {
  const mapped = mapRemoteBatch(remote)
  return { ...mapped, metadata: jsonColumn(mapped.metadata), errors: jsonColumn(mapped.errors), syncedAt: new Date(), syncError: null, syncFailures: 0 }
}

/** When a batch first recorded from a provider answer (created here or imported) is next asked. */
export const scheduleNew = (mapped: MappedBatch | ReturnType<typeof rowFromRemote>) =>
  scheduleAfter(
    {
      status: mapped.status ?? 'validating',
      createdAt: mapped.createdAt ?? new Date(),
      remoteOutputFileId: mapped.remoteOutputFileId ?? null,
      remoteErrorFileId: mapped.remoteErrorFileId ?? null,
      outputFileId: null,
      errorFileId: null,
    },
    true,
  )

/** When a batch whose state just came from the provider should be asked again (null: never). */
export function scheduleAfter(
  row: Pick<BatchRow, 'status' | 'createdAt' | 'remoteOutputFileId' | 'outputFileId' | 'remoteErrorFileId' | 'errorFileId'>,
  changed: boolean,
): Date | null {
  if (!needsSync(row)) return null
  const delay = nextSyncDelayMs(
    {
      ageMs: Date.now() - row.createdAt.getTime(),
      changed: changed || isTerminal(row.status),
      finalizing: row.status === 'finalizing',
      failures: 0,
      retryAfterMs: null,
    },
    intervals(),
  )
  return new Date(Date.now() + delay)
}

async function copyFiles(connection: ProviderConnection, batch: BatchRow): Promise<BatchRow> {
  const name = batch.remoteId ?? batch.id
  const data: { outputFileId?: string; errorFileId?: string } = {}
  if (batch.remoteOutputFileId && !batch.outputFileId) data.outputFileId = await copyRemoteFile(connection, batch.remoteOutputFileId, `${name}_output.jsonl`)
  if (batch.remoteErrorFileId && !batch.errorFileId) data.errorFileId = await copyRemoteFile(connection, batch.remoteErrorFileId, `${name}_error.jsonl`)
  return db.batch.update({ where: { id: batch.id }, data })
}

/**
 * One refresh of one remote batch: retrieve it, write what changed, and once it is terminal copy its output and error
 * files into the data dir. Failures are recorded on the row (syncError, with backoff and Retry-After) and never
 * thrown: the loop, a webhook and a user's click all call this.
 */
async function syncOnce(batchId: string): Promise<void> {
  const before = await db.batch.findUnique({ where: { id: batchId }, include: { connection: { select: { kind: true } } } })
  if (!before || before.connection.kind === BUILTIN_CONNECTION_KIND || before.remoteId === null) return
  let connection: ProviderConnection | null = null
  try {
    connection = await getProviderConnection(before.connectionId)
    let batch: BatchRow = before
    if (!isTerminal(before.status) || before.syncedAt === null) {
      const remote = await connection.api.retrieveBatch(before.remoteId)
      countSyncCall(before.connection.kind, true)
      batch = await db.batch.update({ where: { id: batchId }, data: rowFromRemote(remote) })
      // A job's part that ended has freed its tokens of the provider's queue: the job may send its next part now,
      // while the files are still being copied (their end wakes it again, through onBatchTerminal).
      if (batch.jobId && isTerminal(batch.status) && !isTerminal(before.status)) await requestJobTick(batch.jobId)
    }
    if (isTerminal(batch.status) && needsFiles(batch)) {
      batch = await copyFiles(connection, batch)
      if (!needsFiles(batch)) await onBatchTerminal(batch.id)
    }
    const changed =
      batch.status !== before.status || batch.requestCountCompleted + batch.requestCountFailed !== before.requestCountCompleted + before.requestCountFailed
    await db.batch.update({ where: { id: batchId }, data: { nextSyncAt: scheduleAfter(batch, changed), syncError: null, syncFailures: 0 } })
  } catch (error) {
    countSyncCall(before.connection.kind, false)
    // A file the provider has deleted (OpenAI: 30 days after the batch) will not come back: stop asking.
    if (isNotFound(error) && isTerminal(before.status)) {
      const { message } = connection ? connection.api.describeError(error) : describeProviderError(error, env.providerTimeoutMs)
      await db.batch.updateMany({
        where: { id: batchId },
        data: { nextSyncAt: null, syncError: `The provider no longer has this batch's files (${message}); only their ids are kept.` },
      })
      return
    }
    const failures = before.syncFailures + 1
    const { message } = connection ? connection.api.describeError(error) : describeProviderError(error, env.providerTimeoutMs)
    const delay = nextSyncDelayMs(
      { ageMs: Date.now() - before.createdAt.getTime(), changed: false, finalizing: false, failures, retryAfterMs: providerRetryAfterMs(error) },
      intervals(),
    )
    await db.batch.updateMany({
      where: { id: batchId },
      data: { syncFailures: failures, syncError: message.slice(0, 1000), nextSyncAt: new Date(Date.now() + delay) },
    })
  }
}

// Syncs in flight in this process: a webhook, a click and the loop asking for the same batch share one provider call.
const inFlight = new Map<string, Promise<void>>()

/** Refreshes a remote batch now (webhook, Refresh button), joining a refresh already under way. */
export function syncBatchNow(batchId: string): Promise<void> {
  const running = inFlight.get(batchId)
  if (running) return running
  const promise = syncOnce(batchId).finally(() => inFlight.delete(batchId))
  inFlight.set(batchId, promise)
  return promise
}

/** Makes a batch due at once and wakes the loop (after create, cancel, import, or a webhook). */
export async function requestSync(batchId: string): Promise<void> {
  await db.batch.updateMany({ where: { id: batchId }, data: { nextSyncAt: new Date() } })
  globalForSync.batchboardSync?.wake()
  await publish('sync', batchId)
}

/**
 * The sync loop: every `pollMs` it takes the remote batches whose nextSyncAt has come, claims each by moving its
 * nextSyncAt forward (compare-and-set, so two processes never both ask), and refreshes it. Status routes read the
 * database only, so however many browsers poll, a batch costs one provider call per interval.
 */
export function startSync(options: SyncOptions = {}): { wake(): void; stop(): Promise<void> } {
  if (globalForSync.batchboardSync) return globalForSync.batchboardSync
  const concurrency = options.concurrency ?? 4
  // BATCHBOARD_SYNC_INTERVAL_MS: how soon a running batch is asked again (a job waiting for queue room waits at most that).
  const minMs = options.minMs ?? env.syncIntervalMs
  const pollMs = options.pollMs ?? syncLookEveryMs(minMs)
  const configured = { minMs, maxMs: Math.max(minMs, options.maxMs ?? DEFAULT_SYNC_INTERVALS.maxMs) }

  /** PostgreSQL: claims the due batches in one statement, skipping those another process is claiming. */
  const claimDue = (now: Date) =>
    claimSkipLocked({
      table: Prisma.sql`"Batch"`,
      key: Prisma.sql`"id"`,
      set: Prisma.sql`"nextSyncAt" = ${utcTimestamp(new Date(now.getTime() + CLAIM_MS))}, "updatedAt" = ${utcTimestamp(now)}`,
      from: Prisma.sql`FROM "Batch" AS b JOIN "Connection" AS c ON c."id" = b."connectionId"
        WHERE b."nextSyncAt" <= ${utcTimestamp(now)} AND c."kind" <> ${BUILTIN_CONNECTION_KIND}
          ${inFlight.size ? Prisma.sql`AND b."id" NOT IN (${Prisma.join([...inFlight.keys()])})` : Prisma.empty}`,
      alias: 'b',
      orderBy: Prisma.sql`b."nextSyncAt"`,
      limit: concurrency * 4,
    })

  async function tick(stopped: AbortSignal) {
    const now = new Date()
    const claimed = !(await anyDue(now)) ? [] : dbKind === 'postgresql' ? await claimDue(now) : await claimDueByCompareAndSet(now)
    for (let i = 0; i < claimed.length && !stopped.aborted; i += concurrency) {
      await Promise.all(claimed.slice(i, i + concurrency).map((id) => syncBatchNow(id)))
    }
    if (!stopped.aborted) await sweepRemoteFiles()
  }

  /**
   * Whether any remote batch is due: the loop asks every second, most often to hear "none", and asks on the thread
   * that answers requests; a prepared read (lib/server/db/prepared.ts) costs a fraction of a Prisma query (whose
   * compiler runs on every call) and, on PostgreSQL, of the claiming UPDATE.
   */
  const anyDue = async (now: Date) =>
    (
      await queryRows<{ id: string }>(
        Prisma.sql`SELECT b."id" FROM "Batch" AS b JOIN "Connection" AS c ON c."id" = b."connectionId" WHERE b."nextSyncAt" <= ${now} AND c."kind" <> ${BUILTIN_CONNECTION_KIND} LIMIT 1`,
      )
    ).length > 0

  async function claimDueByCompareAndSet(now: Date): Promise<string[]> {
    const due = await db.batch.findMany({
      where: { nextSyncAt: { lte: now }, connection: { kind: { not: BUILTIN_CONNECTION_KIND } }, id: { notIn: [...inFlight.keys()] } },
      select: { id: true, nextSyncAt: true },
      orderBy: { nextSyncAt: 'asc' },
      take: concurrency * 4,
    })
    const claimed: string[] = []
    for (const batch of due) {
      const { count } = await db.batch.updateMany({
        where: { id: batch.id, nextSyncAt: batch.nextSyncAt },
        data: { nextSyncAt: new Date(now.getTime() + CLAIM_MS) },
      })
      if (count === 1) claimed.push(batch.id)
    }
    return claimed
  }

  const poller = startPoller({
    intervalMs: pollMs,
    tick,
    onError: (error) => logger.error({ err: error }, 'Sync: looking for remote batches to refresh failed.'),
  })
  const state = {
    intervals: configured,
    wake: poller.wake,
    async stop() {
      await poller.stop()
      await Promise.allSettled([...inFlight.values()])
      if (globalForSync.batchboardSync === state) delete globalForSync.batchboardSync
    },
  }
  globalForSync.batchboardSync = state
  // On PostgreSQL a batch created, cancelled or imported through another server wakes this loop at once.
  if (!globalForSync.batchboardSyncListening) {
    globalForSync.batchboardSyncListening = true
    subscribe('sync', () => globalForSync.batchboardSync?.wake())
  }
  return state
}

/** Whether this process runs the sync loop (for /api/health). */
export const isSyncRunning = () => globalForSync.batchboardSync !== undefined
