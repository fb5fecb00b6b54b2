import 'server-only'
import { isTerminal, type BatchStatus } from '@/lib/batch'
import { Prisma, type Batch, type Job, type JobPart } from '@/lib/server/db/generated/client'
import { db } from '@/lib/server/db'
import { newSubmitKey } from '@/lib/server/ids'
import { indexBatchResults } from '@/lib/server/results'
import { foldPartIntoJob } from '@/lib/server/results/indexer'
import { splitRetryLines } from './parts'
import { backoffMs } from '@/lib/server/retry'
import { QUEUE_BACKOFF } from './submit'

/** A provider's "your queue is full": the part waits and goes again; its lines lose no attempt. */
const QUEUE_FULL_CODES = new Set(['token_limit_exceeded', 'rate_limit_exceeded'])

// Failures worth another attempt: the provider or the network failed, not the request. A 4xx other than 408 and 429
// is the request's own fault and would fail the same way again — except the simulator's [sim:fail-once] 400, which
// says in its code that the same request succeeds next time (how demos and tests show a job's retries).
const RETRYABLE_ERROR_CODES = [
  'rate_limit_exceeded',
  'upstream_timeout',
  'upstream_unreachable',
  'server_error',
  'timeout',
  'batch_expired',
  'simulated_failure',
]

type BatchErrors = { code?: unknown; message?: unknown }[]

function batchErrorsOf(batch: Batch): BatchErrors {
  const value = batch.errors as unknown
  if (Array.isArray(value)) return value as BatchErrors
  if (value && typeof value === 'object' && Array.isArray((value as { data?: unknown }).data)) return (value as { data: BatchErrors }).data
  return []
}

/**
 * Takes in every part whose batch has ended: its results fold into the job's rows, its retryable failures go back to
 * pending (while attempts remain), and a queue refusal sends the part back to the queue. Returns how many parts ended.
 */
export async function reconcileEndedParts(job: Job): Promise<number> {
  const parts = await db.jobPart.findMany({ where: { jobId: job.id, status: 'submitted' }, include: { batch: true }, orderBy: { seq: 'asc' } })
  let ended = 0
  for (const part of parts) {
    const batch = part.batch
    if (!batch) {
      // The batch record was deleted by hand: its lines go round again.
      await endPart(job, part, null)
      ended++
      continue
    }
    if (!isTerminal(batch.status as BatchStatus)) continue
    if (batch.status === 'failed') {
      const errors = batchErrorsOf(batch)
      const queueFull = errors.find((error) => typeof error.code === 'string' && QUEUE_FULL_CODES.has(error.code))
      if (queueFull) {
        await requeuePart(part, `The provider's queue was full (${String(queueFull.code)}): ${String(queueFull.message ?? '')}`)
        continue
      }
      await failPartLines(job, part, errors[0])
      ended++
      continue
    }
    const outcome = batch.outputFileId || batch.errorFileId ? await indexBatchResults(batch.id) : null
    if (outcome?.state !== 'ready' && (batch.remoteOutputFileId || batch.remoteErrorFileId) && !(batch.outputFileId || batch.errorFileId)) continue
    if (outcome?.state === 'ready') await foldPartIntoJob(job.id, batch.id, part.id)
    await endPart(job, part, batch)
    ended++
  }
  // A part ending frees queue room: parts the provider refused for a full queue go again now, not after their backoff.
  if (ended > 0)
    await db.jobPart.updateMany({
      where: { status: 'queued', queueAttempts: { gt: 0 }, job: { connectionId: job.connectionId, model: job.model } },
      data: { nextAttemptAt: new Date() },
    })
  return ended
}

async function requeuePart(part: JobPart, reason: string): Promise<void> {
  const attempts = part.queueAttempts + 1
  const at = new Date(Date.now() + backoffMs(attempts, QUEUE_BACKOFF))
  await db.jobPart.update({
    where: { id: part.id },
    data: {
      status: 'queued',
      batchId: null,
      // The refused batch keeps the old key: recovery after a crash must find the next submission, not this one.
      submitKey: newSubmitKey(),
      queueAttempts: attempts,
      nextAttemptAt: at,
      waitingReason: `${reason} Trying again at ${at.toISOString().slice(11, 19)} UTC.`,
    },
  })
}

/** A part whose batch failed as a whole (not its queue): every line gets that error, and it is final. */
async function failPartLines(job: Job, part: JobPart, error: BatchErrors[number] | undefined): Promise<void> {
  const code = typeof error?.code === 'string' ? error.code : 'batch_failed'
  const message = typeof error?.message === 'string' ? error.message : 'The batch failed.'
  await db.$transaction([
    db.resultRow.updateMany({
      where: { batchId: job.id, jobPartId: part.id, status: 'pending' },
      data: { status: 'failed', errorCode: code, errorMessage: message.slice(0, 2000), attempts: { increment: 1 }, sourceBatchId: part.batchId },
    }),
    db.jobPart.update({ where: { id: part.id }, data: { status: 'ended', endedAt: new Date() } }),
  ])
}

/**
 * The part is done: lines whose result never came ("pending" still, or "missing") are missing; failures worth another
 * try go back to pending while they have attempts left. Cancelled lines are retried only when the job itself did not
 * cancel them.
 */
async function endPart(job: Job, part: JobPart, batch: Batch | null): Promise<void> {
  const cancelledByJob = job.status === 'cancelling' || job.status === 'cancelled'
  const retryableStatuses = cancelledByJob ? ['expired', 'missing'] : ['expired', 'missing', 'cancelled']
  await db.$transaction([
    db.resultRow.updateMany({
      where: { batchId: job.id, jobPartId: part.id, status: 'pending' },
      data: { status: 'missing', attempts: { increment: 1 }, sourceBatchId: batch?.id ?? null },
    }),
    db.$executeRaw`UPDATE "ResultRow" SET "status" = 'pending'
       WHERE "batchId" = ${job.id} AND "jobPartId" = ${part.id} AND "attempts" < ${job.maxAttempts} AND ("status" IN (${Prisma.join(retryableStatuses)})
         OR ("status" = 'failed' AND ("statusCode" >= 500 OR "statusCode" IN (408, 429) OR "errorCode" IN (${Prisma.join(RETRYABLE_ERROR_CODES)}))))`,
    db.jobPart.update({ where: { id: part.id }, data: { status: 'ended', endedAt: new Date(), waitingReason: null } }),
  ])
}

/** Lines waiting for another attempt whose part has ended go into new parts, which the queue then submits. */
export async function splitPendingRetries(job: Job): Promise<number> {
  const rows = await db.resultRow.findMany({
    where: { batchId: job.id, status: 'pending', jobPartId: { in: await endedPartIds(job.id) } },
    select: { line: true, attempts: true },
    orderBy: { line: 'asc' },
  })
  if (rows.length === 0) return 0
  const round = rows.reduce((highest, row) => Math.max(highest, row.attempts), 0) + 1
  return splitRetryLines(
    job,
    rows.map((row) => row.line!),
    round,
  )
}

async function endedPartIds(jobId: string): Promise<string[]> {
  const parts = await db.jobPart.findMany({ where: { jobId, status: 'ended' }, select: { id: true } })
  return parts.map((part) => part.id)
}

/** Outcome counts of a job's lines, as stored on the job for the list. */
export async function countJobLines(jobId: string): Promise<{ succeeded: number; failed: number; pending: number }> {
  const groups = await db.resultRow.groupBy({ by: ['status'], where: { batchId: jobId }, _count: { _all: true } })
  const counts = { succeeded: 0, failed: 0, pending: 0 }
  for (const group of groups) {
    if (group.status === 'succeeded') counts.succeeded += group._count._all
    else if (group.status === 'pending') counts.pending += group._count._all
    else counts.failed += group._count._all
  }
  return counts
}
