import 'server-only'
import { rm } from 'node:fs/promises'
import { isTerminal, type BatchStatus } from '@/lib/batch'
import { BUILTIN_CONNECTION_KIND } from '@/lib/constants'
import type { BatchDetail, BatchError, BatchFileRef, BatchListJob, BatchListPage, BatchSummary, CreatedBatch } from '@/lib/types'
import { toBatchMetadata, type BatchListQuery, type CreateBatchFields } from '@/lib/validations/batches'
import { isJobStatus } from '@/lib/validations/jobs'
import { db } from '@/lib/server/db'
import { Prisma, type Job } from '@/lib/server/db/generated/client'
import { queryRows } from '@/lib/server/db/prepared'
import { SIMULATOR_UPSTREAM_NAME, engineProgressOf } from '@/lib/server/engine'
import { AppError, notFound } from '@/lib/server/http/errors'
import type { PriceRow } from '@/lib/pricing'
import { costOfBatchRow, listEffectivePrices, usageFromColumns } from '@/lib/server/pricing'
import { fillUsageFromOutput } from '@/lib/server/usage'
import { parseConnectionKind } from '@/lib/server/connections/kinds'
import { getConnection } from '@/lib/server/connections'
import { overBatchLimit } from '@/lib/connections/limits'
import { formatRefusal } from '@/lib/jsonl'
import { storedFileFormat } from '@/lib/server/files/format'
import { resultPaths } from '@/lib/server/storage'
import { listBatchPage } from './list'
import { readBatchDetail, readBatchSummaries, type BatchDetailRow, type BatchSummaryRow } from './rows'

const iso = (date: Date | null) => date?.toISOString() ?? null

function toSummary(row: BatchSummaryRow): BatchSummary {
  return {
    id: row.id,
    connectionId: row.connectionId,
    connectionName: row.connectionName,
    remoteId: row.remoteId,
    endpoint: row.endpoint,
    model: row.model,
    status: row.status,
    description: row.description,
    metadata: row.metadata as Record<string, string> | null,
    requestCounts: { total: row.requestCountTotal, completed: row.requestCountCompleted, failed: row.requestCountFailed },
    createdAt: row.createdAt.toISOString(),
    completedAt: iso(row.completedAt),
    // The engine knows its simulator ran a batch; for a remote batch, indexing its output found another Batchboard's.
    simulated: row.simulated || row.run?.upstreamName === SIMULATOR_UPSTREAM_NAME,
    syncedAt: iso(row.syncedAt),
    syncError: row.syncError,
    jobId: row.jobId,
  }
}

const endedAt = (row: BatchSummaryRow) => row.completedAt ?? row.failedAt ?? row.expiredAt ?? row.cancelledAt

/** The built-in engine's rate and ETA; a remote batch has none. */
const progressOf = (row: BatchSummaryRow) => (row.connectionKind === BUILTIN_CONNECTION_KIND ? engineProgressOf(row, row.run) : null)

const costOf = (row: BatchSummaryRow, summary: BatchSummary, prices: PriceRow[]) =>
  costOfBatchRow({ ...row, connectionKind: row.connectionKind, simulated: summary.simulated }, prices)

/** Filtered, searched, sorted and keyset-paged: see list.ts for how the page is chosen. */
export async function listBatches(query: BatchListQuery): Promise<BatchListPage> {
  const [{ ids, nextCursor, total }, prices] = await Promise.all([listBatchPage(query), listEffectivePrices()])
  const rows = await readBatchSummaries(ids)
  const byId = new Map(rows.map((row) => [row.id, row]))
  return {
    data: ids.flatMap((id) => {
      const row = byId.get(id)
      // Deleted between the two queries.
      if (!row) return []
      const summary = toSummary(row)
      return [
        {
          ...summary,
          cost: costOf(row, summary, prices),
          inProgressAt: iso(row.inProgressAt),
          endedAt: iso(endedAt(row)),
          etaSeconds: progressOf(row)?.etaSeconds ?? null,
        },
      ]
    }),
    nextCursor,
    total,
    jobs: await listPageJobs(rows.flatMap((row) => (row.jobId ? [row.jobId] : []))),
  }
}

/**
 * The jobs a page's part batches belong to, with their part counts: one query by primary key, whatever the page size,
 * prepared (lib/server/db/prepared.ts) since every open list tab polls it.
 */
async function listPageJobs(jobIds: string[]): Promise<Record<string, BatchListJob>> {
  if (jobIds.length === 0) return {}
  const jobs = await queryRows<Pick<Job, 'id' | 'description' | 'status' | 'lineCount' | 'linesSucceeded' | 'linesFailed'> & { partCount: bigint | number }>(
    Prisma.sql`SELECT j."id", j."description", j."status", j."lineCount", j."linesSucceeded", j."linesFailed",
        (SELECT COUNT(*) FROM "JobPart" AS p WHERE p."jobId" = j."id") AS "partCount"
      FROM "Job" AS j WHERE j."id" IN (${Prisma.join([...new Set(jobIds)])})`,
  )
  return Object.fromEntries(
    jobs.flatMap((job) => {
      if (!isJobStatus(job.status)) return []
      const lines = {
        total: job.lineCount,
        succeeded: job.linesSucceeded,
        failed: job.linesFailed,
        pending: Math.max(0, job.lineCount - job.linesSucceeded - job.linesFailed),
      }
      return [[job.id, { id: job.id, description: job.description, status: job.status, lines, partCount: Number(job.partCount) } satisfies BatchListJob]]
    }),
  )
}

export { listBatchFacets } from './list'

function fileRef(file: BatchDetailRow['inputFile'], remoteId: string | null): BatchFileRef | null {
  if (!file && !remoteId) return null
  return {
    id: file?.id ?? null,
    remoteId: file?.remoteId ?? remoteId,
    filename: file?.filename ?? null,
    bytes: file ? Number(file.bytes) : null,
    lineCount: file?.lineCount ?? null,
  }
}

function toErrors(value: unknown): BatchError[] {
  // Stored as OpenAI's `errors.data` array; older rows may hold the whole `{ object, data }` list.
  const list = Array.isArray(value)
    ? value
    : value && typeof value === 'object' && Array.isArray((value as { data?: unknown }).data)
      ? (value as { data: unknown[] }).data
      : []
  return list.map((item) => {
    const error = (item ?? {}) as Record<string, unknown>
    return {
      code: typeof error.code === 'string' ? error.code : null,
      message: typeof error.message === 'string' ? error.message : null,
      param: typeof error.param === 'string' ? error.param : null,
      line: typeof error.line === 'number' ? error.line : null,
    }
  })
}

/** A finished batch whose provider reported no usage: its output file is summed once (then the columns hold it). */
const needsUsageSum = (row: BatchDetailRow) => row.usageTotalTokens === null && row.outputStoragePath !== null && isTerminal(row.status)

export async function getBatch(batchId: string): Promise<BatchDetail> {
  const [found, prices] = await Promise.all([readBatchDetail(batchId), listEffectivePrices()])
  const row = found && needsUsageSum(found) && (await fillUsageFromOutput(batchId)) ? await readBatchDetail(batchId) : found
  if (!row) throw notFound('batch', batchId)
  const counts = { total: row.requestCountTotal, completed: row.requestCountCompleted, failed: row.requestCountFailed }
  const engine = progressOf(row)
  const summary = toSummary(row)
  return {
    ...summary,
    cost: costOf(row, summary, prices),
    connectionKind: parseConnectionKind(row.connectionKind),
    providerStatus: row.providerStatus,
    completionWindow: row.completionWindow,
    errors: toErrors(row.errors),
    usage: usageFromColumns(row),
    timeline: {
      createdAt: row.createdAt.toISOString(),
      inProgressAt: iso(row.inProgressAt),
      finalizingAt: iso(row.finalizingAt),
      completedAt: iso(row.completedAt),
      failedAt: iso(row.failedAt),
      expiredAt: iso(row.expiredAt),
      cancellingAt: iso(row.cancellingAt),
      cancelledAt: iso(row.cancelledAt),
      expiresAt: iso(row.expiresAt),
    },
    inputFile: fileRef(row.inputFile, row.remoteInputFileId) ?? { id: null, remoteId: null, filename: null, bytes: null, lineCount: null },
    outputFile: fileRef(row.outputFile, row.remoteOutputFileId),
    errorFile: fileRef(row.errorFile, row.remoteErrorFileId),
    parentBatchId: row.parentBatchId,
    retryBatchIds: row.retryBatchIds,
    builtFromTable: row.builtFromTable,
    recordedAt: row.recordedAt.toISOString(),
    nextSyncAt: iso(row.nextSyncAt),
    progress: {
      ...counts,
      remaining: Math.max(0, counts.total - counts.completed - counts.failed),
      linesPerSecond: engine?.linesPerSecond ?? 0,
      tokensPerSecond: engine?.tokensPerSecond ?? 0,
      etaSeconds: engine?.etaSeconds ?? null,
    },
  }
}

/** Whether a batch row exists, for pages that answer 404 for unknown ids. */
export async function batchExists(batchId: string): Promise<boolean> {
  return (await db.batch.count({ where: { id: batchId } })) > 0
}

async function findConnection(connectionId: string) {
  if ((await db.connection.count({ where: { id: connectionId } })) === 0)
    throw new AppError(404, 'not_found', `No connection with id '${connectionId}'. Choose one from the list.`, { param: 'connectionId' })
  return getConnection(connectionId)
}

/** Starts a batch from a stored input file on a connection, which uploads or translates it if its kind needs that. */
export async function createBatch(input: CreateBatchFields & { parentBatchId?: string | null }): Promise<CreatedBatch> {
  const connection = await findConnection(input.connectionId)
  const file = await db.file.findUnique({
    where: { id: input.fileId },
    select: { id: true, purpose: true, endpoint: true, storagePath: true, filename: true, lineCount: true, bytes: true },
  })
  if (!file) throw new AppError(404, 'not_found', `No file with id '${input.fileId}'. It may have been deleted; choose another file.`, { param: 'fileId' })
  if (file.purpose !== 'batch')
    throw new AppError(400, 'invalid_file', `${file.filename} is a batch output file, not an input file; choose an input file.`, { param: 'fileId' })
  if (!file.endpoint)
    throw new AppError(400, 'invalid_file', `${file.filename} has no endpoint: it did not pass the file check. Fix it and upload it again.`, {
      param: 'fileId',
    })
  const refusal = file.storagePath ? formatRefusal(await storedFileFormat(file.storagePath), connection.kind) : null
  if (refusal) throw new AppError(400, 'wrong_connection_kind', `${file.filename}: ${refusal}`, { param: 'connectionId' })
  const over = overBatchLimit({ lineCount: file.lineCount ?? 0, bytes: Number(file.bytes) }, connection.limits)
  if (over) {
    throw new AppError(400, 'over_batch_limit', `${file.filename} ${over} on this connection. Run it as a job, which splits it into batches that fit.`, {
      param: 'fileId',
    })
  }
  return connection.createBatch({
    file: { id: file.id, filename: file.filename, storagePath: file.storagePath, endpoint: file.endpoint },
    completionWindow: input.completionWindow,
    metadata: toBatchMetadata(input.description, input.metadata),
    parentBatchId: input.parentBatchId ?? null,
    outputExpiresAfterSeconds: input.outputExpiresAfterSeconds ?? null,
  })
}

async function findBatch(batchId: string) {
  const batch = await db.batch.findUnique({ where: { id: batchId } })
  if (!batch) throw notFound('batch', batchId)
  return { batch, connection: await getConnection(batch.connectionId) }
}

/** Asks the provider for a remote batch's state now (the Refresh button); joins a refresh already under way. */
export async function refreshRemoteBatch(batchId: string): Promise<BatchDetail> {
  const { connection } = await findBatch(batchId)
  await connection.refreshBatch(batchId)
  return getBatch(batchId)
}

/** Asks the batch's connection to cancel it; OpenAI's rules (409 on completed, failed or expired) apply. */
export async function cancelBatch(batchId: string): Promise<{ id: string; status: BatchStatus }> {
  const { connection } = await findBatch(batchId)
  return connection.cancelBatch(batchId)
}

/**
 * Deletes Batchboard's record of a finished batch (and, for the built-in engine, its run state). Its files stay in
 * Files. A remote batch stays on its provider unless `remote` is set: then its input, output and error files are
 * deleted there first (OpenAI cannot delete a batch object itself).
 */
export async function deleteBatchRecord(
  batchId: string,
  options: { remote?: boolean } = {},
): Promise<{ id: string; remoteFilesDeleted: number; remoteFilesPending: number }> {
  const { batch, connection } = await findBatch(batchId)
  if (!isTerminal(batch.status)) {
    throw new AppError(409, 'batch_active', `This batch is still ${batch.status.replace('_', ' ')}. Cancel it, or wait for it to finish, then delete it.`, {
      param: 'batchId',
    })
  }
  let remote = { deleted: 0, pending: 0 }
  if (options.remote) remote = await connection.deleteFiles(batchId)
  // deleteMany: a second click racing the first finds nothing to delete rather than failing.
  await db.batch.deleteMany({ where: { id: batchId, status: batch.status } })
  // The engine's per-line timings belong to the record (its output and error files stay, as Files).
  await rm(resultPaths(batchId).timings, { force: true })
  return { id: batchId, remoteFilesDeleted: remote.deleted, remoteFilesPending: remote.pending }
}
