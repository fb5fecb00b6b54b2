import 'server-only'
import { logger } from '@/lib/server/log'
import type { Job } from '@/lib/server/db/generated/client'
import { db, dbKind } from '@/lib/server/db'
import { Prisma } from '@/lib/server/db/generated/client'
import { claimSkipLocked, utcTimestamp } from '@/lib/server/db/skip-locked'
import { startPoller, type Poller } from '@/lib/server/poller'
import { cancelBatch } from '@/lib/server/batches'
import { isTerminal, type BatchStatus } from '@/lib/batch'
import { refreshSearchStatistics } from '@/lib/server/results/search'
import { cancelUnsplitLines, splitJobInput } from './parts'
import { countJobLines, reconcileEndedParts, splitPendingRetries } from './reconcile'
import { writeJobResultFiles } from './result-files'
import { recoverSubmittingParts, submitQueuedParts } from './submit'
import { LineTooLargeError } from './split'
import { ACTIVE_JOB_STATUSES, CLAIM_MS, TICK_MS, registerJobLoop, runningJobLoop, takeMissedWake } from './wake'

const POLL_MS = 1_000

async function claimDueJob(now: Date): Promise<Job | null> {
  if (dbKind === 'postgresql') {
    // One statement that skips jobs another process is claiming (lib/server/db/skip-locked.ts).
    const [id] = await claimSkipLocked({
      table: Prisma.sql`"Job"`,
      key: Prisma.sql`"id"`,
      set: Prisma.sql`"nextTickAt" = ${utcTimestamp(new Date(now.getTime() + CLAIM_MS))}, "updatedAt" = ${utcTimestamp(now)}`,
      from: Prisma.sql`FROM "Job" AS j WHERE j."status" IN (${Prisma.join([...ACTIVE_JOB_STATUSES])}) AND j."nextTickAt" <= ${utcTimestamp(now)}`,
      alias: 'j',
      orderBy: Prisma.sql`j."nextTickAt"`,
      limit: 1,
    })
    return id === undefined ? null : db.job.findUnique({ where: { id } })
  }
  const due = await db.job.findMany({
    where: { status: { in: [...ACTIVE_JOB_STATUSES] }, nextTickAt: { lte: now } },
    orderBy: { nextTickAt: 'asc' },
    take: 10,
  })
  for (const job of due) {
    const claimed = await db.job.updateMany({ where: { id: job.id, nextTickAt: job.nextTickAt }, data: { nextTickAt: new Date(now.getTime() + CLAIM_MS) } })
    if (claimed.count === 1) return job
  }
  return null
}

/** One look at one job: split, recover, take in ended parts, retry, submit, cancel, finish — whatever is due. */
export async function tickJob(jobId: string): Promise<void> {
  let job = await db.job.findUniqueOrThrow({ where: { id: jobId } })
  if (job.status === 'splitting') {
    try {
      await splitJobInput(job)
    } catch (error) {
      if (!(error instanceof LineTooLargeError)) throw error
      await db.job.update({ where: { id: job.id }, data: { status: 'failed', error: error.message, endedAt: new Date() } })
      return
    }
    // Compare-and-set: a cancel (or pause) clicked while the input was being split must not be undone here.
    await db.job.updateMany({ where: { id: job.id, status: 'splitting' }, data: { status: 'running' } })
    job = await db.job.findUniqueOrThrow({ where: { id: jobId } })
    // The split wrote a row per line: searching them is planned on statistics that know them (decision 060).
    await refreshSearchStatistics(job.splitLines).catch((error: unknown) => logger.warn({ err: error, jobId }, 'Refreshing the results statistics failed.'))
  }
  const withConnection = await db.job.findUniqueOrThrow({
    where: { id: job.id },
    include: { connection: { select: { id: true, kind: true, name: true, enqueuedTokenLimits: true } } },
  })
  await recoverSubmittingParts(withConnection)
  await reconcileEndedParts(job)
  if (job.status === 'running') {
    await splitPendingRetries(job)
    await submitQueuedParts(withConnection)
  }
  if (job.status === 'cancelling') {
    if (job.splitLines < (await inputLineCount(job))) await cancelUnsplitLines(job)
    await cancelRunningParts(job)
  }
  await settle(job.id)
}

/** Lines in the job's input (the job's own lineCount follows its split). */
async function inputLineCount(job: Job): Promise<number> {
  const file = job.inputFileId ? await db.file.findUnique({ where: { id: job.inputFileId }, select: { lineCount: true } }) : null
  return file?.lineCount ?? job.splitLines
}

/** A job's cancel: running parts are cancelled, queued ones never sent, and lines that never ran end "cancelled". */
async function cancelRunningParts(job: Job): Promise<void> {
  const running = await db.jobPart.findMany({ where: { jobId: job.id, status: 'submitted' }, include: { batch: { select: { id: true, status: true } } } })
  for (const part of running) {
    if (!part.batch || isTerminal(part.batch.status as BatchStatus) || part.batch.status === 'cancelling') continue
    // A batch that ended meanwhile answers 409; the next tick takes its results in.
    await cancelBatch(part.batch.id).catch(() => {})
  }
  const unsent = await db.jobPart.findMany({ where: { jobId: job.id, status: 'queued' }, select: { id: true } })
  if (unsent.length === 0) return
  const ids = unsent.map((part) => part.id)
  await db.$transaction([
    db.resultRow.updateMany({
      where: { batchId: job.id, jobPartId: { in: ids }, status: 'pending' },
      data: { status: 'cancelled', errorCode: 'batch_cancelled', errorMessage: 'The job was cancelled before this line was sent.' },
    }),
    db.jobPart.updateMany({ where: { id: { in: ids } }, data: { status: 'ended', endedAt: new Date(), waitingReason: null } }),
  ])
}

/** Counts written to the job; a job with no line left to run ends, with its combined output and error files. */
async function settle(jobId: string): Promise<void> {
  const job = await db.job.findUniqueOrThrow({ where: { id: jobId } })
  const counts = await countJobLines(jobId)
  const inFlight = await db.jobPart.count({ where: { jobId, status: { in: ['queued', 'submitting', 'submitted'] } } })
  let status = job.status
  if (job.status === 'cancelling' && inFlight === 0) {
    // Lines that were waiting for a retry part when the job was cancelled end as they are: cancelled.
    await db.resultRow.updateMany({
      where: { batchId: jobId, status: 'pending' },
      data: { status: 'cancelled', errorCode: 'batch_cancelled', errorMessage: 'The job was cancelled before this line was sent again.' },
    })
    status = 'cancelled'
  } else if (job.status === 'running' && inFlight === 0 && counts.pending === 0) status = 'completed'
  const ended = status !== job.status
  if (ended) await writeJobResultFiles(job)
  const after = ended ? await countJobLines(jobId) : counts
  // A part that ended (or a click) while this look ran is looked at next, not after TICK_MS.
  const nextTickAt = new Date(takeMissedWake(jobId) ? Date.now() : Date.now() + TICK_MS)
  // The status moves only from the one this look saw: a pause or cancel clicked meanwhile stays, and is acted on next tick.
  const moved = ended
    ? await db.job.updateMany({
        where: { id: jobId, status: job.status },
        data: { linesSucceeded: after.succeeded, linesFailed: after.failed, status, endedAt: new Date(), nextTickAt },
      })
    : { count: 0 }
  if (moved.count === 0) await db.job.update({ where: { id: jobId }, data: { linesSucceeded: after.succeeded, linesFailed: after.failed, nextTickAt } })
}

/** Ticks every due job it can claim, one at a time; a job that fails to move on is looked at again later. */
async function tickDueJobs(signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const job = await claimDueJob(new Date())
    if (!job) return
    try {
      await tickJob(job.id)
    } catch (error) {
      logger.error({ err: error, jobId: job.id }, 'A job could not move on.')
      await db.job.updateMany({ where: { id: job.id }, data: { nextTickAt: new Date(Date.now() + TICK_MS) } }).catch(() => {})
    }
  }
}

/** The job loop: one per process (server or worker); claims keep processes off each other's jobs. */
export function startJobs(options: { pollMs?: number } = {}): Poller {
  const running = runningJobLoop()
  if (running && !running.stopped) return running
  const poller = startPoller({
    intervalMs: options.pollMs ?? POLL_MS,
    tick: tickDueJobs,
    onError: (error) => logger.error({ err: error }, 'The job loop failed.'),
  })
  registerJobLoop(poller)
  return poller
}
