import 'server-only'
import { enqueuedTokenLimitOf } from '@/lib/connections/limits'
import { JOB_METADATA_KEY, PART_METADATA_KEY } from '@/lib/validations/jobs'
import type { Job, JobPart } from '@/lib/server/db/generated/client'
import { createBatch } from '@/lib/server/batches'
import { getConnection, parseTokenLimits, type BatchConnection } from '@/lib/server/connections'
import { recordImportedBatch } from '@/lib/server/connections/remote-batches'
import type { RemoteBatch } from '@/lib/server/connections/types'
import { db } from '@/lib/server/db'
import { AppError } from '@/lib/server/http/errors'
import type { BackoffPolicy } from '@/lib/server/retry'

/** How long a part may stay "submitting" with no sign of life before recovery looks for it (and maybe sends it again). */
export const RECOVERY_GRACE_MS = 60_000

/** How often a process sending a part renews its lease on it (submittedAt): three times within the grace. */
export const LEASE_RENEW_MS = RECOVERY_GRACE_MS / 3

/** Statuses in which a batch's tokens count against the provider's enqueued-token limit. */
export const ENQUEUED_STATUSES = ['validating', 'in_progress', 'finalizing'] as const

// Backoff for a part the provider's queue refused: 30 s, doubling, at most 10 minutes. The queue frees up as other
// batches end, which takes minutes, so asking every few seconds only earns more refusals; a part of the same model
// ending wakes the refused parts at once (reconcile.ts).
export const QUEUE_BACKOFF: BackoffPolicy = { baseMs: 30_000, maxMs: 10 * 60_000 }

type JobWithConnection = Job & { connection: { id: string; kind: string; name: string; enqueuedTokenLimits: unknown } }

/** Estimated input tokens enqueued for a model on a connection: every running batch Batchboard knows there, any job's or none. */
export async function enqueuedTokens(connectionId: string, model: string | null): Promise<number> {
  const [inBatches, submitting] = await Promise.all([
    db.file.aggregate({
      where: { model, inputOf: { some: { connectionId, status: { in: [...ENQUEUED_STATUSES] } } } },
      _sum: { estimatedInputTokens: true },
    }),
    // Parts between "submitting" and their batch row count too, or two ticks could both fill the same room.
    db.jobPart.aggregate({ where: { status: 'submitting', job: { connectionId, model } }, _sum: { estimatedTokens: true } }),
  ])
  return Number(inBatches._sum.estimatedInputTokens ?? 0) + Number(submitting._sum.estimatedTokens ?? 0)
}

const formatTokens = (tokens: number) => tokens.toLocaleString('en-US')

/**
 * Submits the job's queued parts that are due, while the connection's enqueued-token limit for the model leaves room.
 * Jobs on one connection share that room: a job that already has its fair share in flight waits while another job's
 * parts are waiting too.
 */
export async function submitQueuedParts(job: JobWithConnection): Promise<void> {
  const limit = enqueuedTokenLimitOf(parseTokenLimits(job.connection.enqueuedTokenLimits), job.model)
  const due = await db.jobPart.findMany({ where: { jobId: job.id, status: 'queued', nextAttemptAt: { lte: new Date() } }, orderBy: { seq: 'asc' } })
  for (const part of due) {
    if (limit !== null) {
      const enqueued = await enqueuedTokens(job.connectionId, job.model)
      const tokens = Number(part.estimatedTokens)
      if (enqueued + tokens > limit || !(await withinFairShare(job, limit))) {
        await db.jobPart.update({
          where: { id: part.id },
          data: {
            waitingReason: `Waiting for queue room: ${formatTokens(enqueued)} of ${formatTokens(limit)} tokens enqueued for ${job.model ?? 'this model'} on ${job.connection.name}; this part needs ${formatTokens(tokens)}.`,
          },
        })
        return
      }
    }
    await submitPart(job, part)
  }
}

async function withinFairShare(job: Job, limit: number): Promise<boolean> {
  const waiting = await db.job.count({
    where: { connectionId: job.connectionId, model: job.model, status: 'running', parts: { some: { status: 'queued' } } },
  })
  if (waiting <= 1) return true
  const own = await db.jobPart.aggregate({
    where: { jobId: job.id, OR: [{ status: 'submitting' }, { status: 'submitted', batch: { status: { in: [...ENQUEUED_STATUSES] } } }] },
    _sum: { estimatedTokens: true },
  })
  return Number(own._sum.estimatedTokens ?? 0) < limit / waiting
}

/**
 * One part onto the connection. The part is marked "submitting" (committed) before the create call, so a crash or an
 * unknown outcome is found by recoverSubmittingParts() — by its input file or its metadata key on the provider —
 * before anything is sent again.
 */
async function submitPart(job: Job, part: JobPart): Promise<void> {
  const claimed = await db.jobPart.updateMany({ where: { id: part.id, status: 'queued' }, data: { status: 'submitting', submittedAt: new Date() } })
  if (claimed.count === 0) return
  // A lease on the part while its file uploads and its batch is created, however long that takes (a 200 MB part to a
  // remote provider can take minutes): renewed well inside the recovery grace, so no other process takes a part that
  // is still being sent for one whose sender died. Once this process dies the renewals stop and recovery looks.
  const lease = setInterval(() => {
    void db.jobPart.updateMany({ where: { id: part.id, status: 'submitting' }, data: { submittedAt: new Date() } }).catch(() => {})
  }, LEASE_RENEW_MS)
  try {
    const metadata = (job.metadata as { key: string; value: string }[] | null) ?? []
    const created = await createBatch({
      connectionId: job.connectionId,
      fileId: part.fileId!,
      completionWindow: job.completionWindow,
      description: job.description ?? '',
      metadata: [...metadata, { key: JOB_METADATA_KEY, value: job.id }, { key: PART_METADATA_KEY, value: part.submitKey }],
    })
    await recordSubmitted(part, created.id)
  } catch (error) {
    // A request the provider refused as wrong (4xx) will be refused again: the job stops and says why.
    if (error instanceof AppError && error.status === 400) {
      await db.jobPart.update({ where: { id: part.id }, data: { status: 'queued', waitingReason: error.message } })
      await db.job.update({ where: { id: job.id }, data: { status: 'paused', error: `Part ${part.seq} could not be started: ${error.message}` } })
      return
    }
    // Anything else may or may not have created the batch: recovery looks before it sends again.
    await db.jobPart.update({ where: { id: part.id }, data: { waitingReason: error instanceof Error ? error.message.slice(0, 1000) : String(error) } })
  } finally {
    clearInterval(lease)
  }
}

async function recordSubmitted(part: JobPart, batchId: string): Promise<void> {
  await db.$transaction([
    db.batch.update({ where: { id: batchId }, data: { jobId: part.jobId } }),
    db.jobPart.update({ where: { id: part.id }, data: { status: 'submitted', batchId, waitingReason: null } }),
  ])
}

/** Whether a batch carries this part key in its metadata (the key changes with every submission of the part). */
const carriesKey = (metadata: unknown, key: string) =>
  typeof metadata === 'object' && metadata !== null && (metadata as Record<string, unknown>)[PART_METADATA_KEY] === key

/**
 * Parts left "submitting" by a crash or an unknown outcome: adopted if their batch exists (here, or on the provider
 * under the part's metadata key), otherwise queued again. Never sends a part twice.
 */
export async function recoverSubmittingParts(job: JobWithConnection, now = Date.now()): Promise<void> {
  const stuck = await db.jobPart.findMany({ where: { jobId: job.id, status: 'submitting' } })
  for (const part of stuck) {
    // A create may still be under way in this or another process; give it time to answer.
    if (part.submittedAt && now - part.submittedAt.getTime() < RECOVERY_GRACE_MS) continue
    // Recorded here but not on the part (a crash between the two): found by the key, not by the input file, which
    // an earlier submission of the part that the provider's queue refused shares.
    const candidates = await db.batch.findMany({ where: { inputFileId: part.fileId, connectionId: job.connectionId }, select: { id: true, metadata: true } })
    const local = candidates.find((batch) => carriesKey(batch.metadata, part.submitKey))
    if (local) {
      await recordSubmitted(part, local.id)
      continue
    }
    const connection = await getConnection(job.connectionId)
    // On the built-in engine the batch row is the batch: not found above means never created.
    if (connection.remote) {
      const remote = await findRemoteBatchByKey(connection, part.submitKey, part.submittedAt)
      if (remote) {
        // Only this batch is recorded; importing every unknown batch on the connection would be a surprise here.
        const known = await db.batch.findUnique({
          where: { connectionId_remoteId: { connectionId: job.connectionId, remoteId: remote.id } },
          select: { id: true },
        })
        const { id } = known ?? (await recordImportedBatch(job.connectionId, remote, { inputFileId: part.fileId ?? undefined }))
        await recordSubmitted(part, id)
        continue
      }
    }
    await db.jobPart.update({ where: { id: part.id }, data: { status: 'queued', nextAttemptAt: new Date(now) } })
  }
}

/** The provider's batch carrying this part key, looking back to an hour before the part was submitted. */
async function findRemoteBatchByKey(connection: BatchConnection, key: string, since: Date | null): Promise<RemoteBatch | null> {
  const oldest = (since?.getTime() ?? 0) / 1000 - 3600
  let after: string | undefined
  for (;;) {
    const page = await connection.listBatches({ after, limit: 100 })
    const found = page.data.find((batch) => batch.metadata?.[PART_METADATA_KEY] === key)
    if (found) return found
    const last = page.data.at(-1)
    if (!page.hasMore || !last || last.created_at < oldest) return null
    after = page.lastId ?? undefined
  }
}
