import 'server-only'
import { enqueuedTokenLimitOf } from '@/lib/connections/limits'
import type { BatchStatus } from '@/lib/batch'
import type { JobCost, JobDetail, JobLineCounts, JobPartStatus, JobSummary } from '@/lib/jobs/types'
import type { CreateJobFields, JobStatus } from '@/lib/validations/jobs'
import type { Batch, Job } from '@/lib/server/db/generated/client'
import { db } from '@/lib/server/db'
import { getConnection, parseTokenLimits } from '@/lib/server/connections'
import { SIMULATOR_UPSTREAM_NAME } from '@/lib/server/engine'
import { blockingErrorCount } from '@/lib/server/files/ingest'
import { AppError, notFound } from '@/lib/server/http/errors'
import { newJobId } from '@/lib/server/ids'
import { costOfBatchRow, listEffectivePrices } from '@/lib/server/pricing'
import { parseSplitLimits } from './split'
import { requestJobTick } from './wake'

export { startJobs, tickJob } from './loop'
export { requestJobTick } from './wake'

const iso = (date: Date | null) => date?.toISOString() ?? null

type JobRow = Job & { connection: { name: string }; _count: { parts: number } }

function lineCounts(job: Job): JobLineCounts {
  return {
    total: job.lineCount,
    succeeded: job.linesSucceeded,
    failed: job.linesFailed,
    pending: Math.max(0, job.lineCount - job.linesSucceeded - job.linesFailed),
  }
}

function toSummary(job: JobRow): JobSummary {
  return {
    id: job.id,
    connectionId: job.connectionId,
    connectionName: job.connection.name,
    endpoint: job.endpoint,
    model: job.model,
    status: job.status as JobStatus,
    description: job.description,
    lines: lineCounts(job),
    partCount: job._count.parts,
    createdAt: job.createdAt.toISOString(),
    endedAt: iso(job.endedAt),
    error: job.error,
  }
}

const summaryInclude = { connection: { select: { name: true } }, _count: { select: { parts: true } } } as const

/** Starts a job on a stored input file: recorded at once (status "splitting"); the job loop splits and submits it. */
export async function createJob(input: CreateJobFields): Promise<{ id: string }> {
  const connection = await db.connection.findUnique({ where: { id: input.connectionId } })
  if (!connection) throw new AppError(404, 'not_found', `No connection with id '${input.connectionId}'. Choose one from the list.`, { param: 'connectionId' })
  const file = await db.file.findUnique({ where: { id: input.fileId } })
  if (!file) throw new AppError(404, 'not_found', `No file with id '${input.fileId}'. It may have been deleted; choose another file.`, { param: 'fileId' })
  if (file.purpose !== 'batch' || !file.endpoint || !file.storagePath)
    throw new AppError(400, 'invalid_file', `${file.filename} is not a checked batch input file in Batchboard; choose another file.`, { param: 'fileId' })
  // A file stored before over-the-limit became a finding (decision 050) is judged again, not refused for its size.
  if ((await blockingErrorCount(file)) > 0)
    throw new AppError(400, 'invalid_file', `${file.filename} has validation errors; fix them and upload it again.`, { param: 'fileId' })
  const { limits } = await getConnection(connection.id)
  const maxTokens = enqueuedTokenLimitOf(parseTokenLimits(connection.enqueuedTokenLimits), file.model)
  const job = await db.job.create({
    data: {
      id: newJobId(),
      connectionId: connection.id,
      inputFileId: file.id,
      endpoint: file.endpoint,
      model: file.model,
      completionWindow: input.completionWindow,
      description: input.description === '' ? null : input.description,
      metadata: input.metadata,
      limits: { ...limits, maxTokens },
      maxAttempts: input.maxAttempts,
      lineCount: file.lineCount ?? 0,
    },
  })
  await requestJobTick(job.id)
  return { id: job.id }
}

export async function listJobs(): Promise<JobSummary[]> {
  const jobs = await db.job.findMany({ include: summaryInclude, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 200 })
  return jobs.map(toSummary)
}

/**
 * Cost of the parts' batches so far, and the whole job's by the same cost per line. A batch in which no line ran (the
 * provider's queue refused it, or it has not started) costs nothing and says nothing about the price: it is left out,
 * so a refused part (which a remote provider records without a model) never turns the job's cost into "no price".
 */
async function jobCost(job: Job, batches: (Batch & { engineRun: { upstreamName: string | null } | null })[], kind: string): Promise<JobCost> {
  const prices = await listEffectivePrices()
  let cost = 0
  let standardCost = 0
  let lines = 0
  let ran = 0
  let simulated = 0
  for (const batch of batches) {
    if (batch.requestCountCompleted + batch.requestCountFailed === 0 && batch.usageTotalTokens === null) continue
    ran++
    // As a single batch's cost reads it: the engine's simulator ran it, or (a part sent to another Batchboard over an
    // `openai` connection) indexing its output found the simulator's answers (Batch.simulated).
    const isSimulated = batch.simulated || batch.engineRun?.upstreamName === SIMULATOR_UPSTREAM_NAME
    const batchCost = costOfBatchRow({ ...batch, connectionKind: kind, simulated: isSimulated }, prices)
    if (batchCost.status === 'no_price') return batchCost
    if (batchCost.status === 'simulated') simulated++
    if (batchCost.status !== 'priced') continue
    cost += batchCost.cost
    standardCost += batchCost.standardCost
    lines += batch.requestCountCompleted + batch.requestCountFailed
  }
  if (ran > 0 && simulated === ran) return { status: 'simulated' }
  if (lines === 0) return { status: 'no_usage' }
  return { status: 'priced', cost, standardCost, estimatedTotal: job.status === 'completed' ? cost : (cost / lines) * job.lineCount }
}

export async function getJob(jobId: string): Promise<JobDetail> {
  const job = await db.job.findUnique({
    where: { id: jobId },
    include: {
      ...summaryInclude,
      connection: { select: { name: true, kind: true } },
      inputFile: { select: { id: true, filename: true } },
      parts: { orderBy: { seq: 'asc' }, include: { batch: { include: { engineRun: { select: { upstreamName: true } } } } } },
    },
  })
  if (!job) throw notFound('job', jobId)
  const summary = toSummary(job)
  const batches = await db.batch.findMany({ where: { jobId }, include: { engineRun: { select: { upstreamName: true } } } })
  const elapsed = (Date.now() - job.createdAt.getTime()) / 1000
  const done = summary.lines.succeeded + summary.lines.failed
  const rate = done > 0 && elapsed > 0 ? done / elapsed : 0
  return {
    ...summary,
    connectionKind: job.connection.kind,
    completionWindow: job.completionWindow,
    maxAttempts: job.maxAttempts,
    limits: parseSplitLimits(job.limits),
    inputFile: job.inputFile,
    outputFileId: job.outputFileId,
    errorFileId: job.errorFileId,
    splitLines: job.splitLines,
    parts: job.parts.map((part) => ({
      id: part.id,
      seq: part.seq,
      round: part.round,
      lineCount: part.lineCount,
      bytes: Number(part.bytes),
      estimatedTokens: Number(part.estimatedTokens),
      status: part.status as JobPartStatus,
      batchId: part.batchId,
      batchStatus: (part.batch?.status as BatchStatus | undefined) ?? null,
      requestCounts: part.batch
        ? { total: part.batch.requestCountTotal, completed: part.batch.requestCountCompleted, failed: part.batch.requestCountFailed }
        : null,
      queueAttempts: part.queueAttempts,
      waitingReason: part.waitingReason,
      nextAttemptAt: part.nextAttemptAt.toISOString(),
      submittedAt: iso(part.submittedAt),
      endedAt: iso(part.endedAt),
    })),
    cost: await jobCost(job, batches, job.connection.kind),
    etaSeconds: rate > 0 && summary.lines.pending > 0 && job.endedAt === null ? Math.ceil(summary.lines.pending / rate) : null,
  }
}

async function findJob(jobId: string): Promise<Job> {
  const job = await db.job.findUnique({ where: { id: jobId } })
  if (!job) throw notFound('job', jobId)
  return job
}

/** Moves a job between statuses with a compare-and-set, so a click racing the loop never undoes what the loop did. */
async function moveJob(
  jobId: string,
  from: readonly JobStatus[],
  to: JobStatus,
  refusal: (status: string) => string,
): Promise<{ id: string; status: JobStatus }> {
  const job = await findJob(jobId)
  const moved = await db.job.updateMany({ where: { id: jobId, status: { in: [...from] } }, data: { status: to, error: null } })
  if (moved.count === 0) throw new AppError(409, 'job_state', refusal(job.status), { param: 'jobId' })
  await requestJobTick(jobId)
  return { id: jobId, status: to }
}

export const pauseJob = (jobId: string) => moveJob(jobId, ['running'], 'paused', (status) => `This job is ${status}; only a running job can be paused.`)

export const resumeJob = (jobId: string) => moveJob(jobId, ['paused'], 'running', (status) => `This job is ${status}; only a paused job can be resumed.`)

export const cancelJob = (jobId: string) =>
  moveJob(jobId, ['splitting', 'running', 'paused'], 'cancelling', (status) => `This job is ${status}; it can no longer be cancelled.`)

/** Sends parts waiting out a backoff now (the "Retry now" button). */
export async function retryJobNow(jobId: string): Promise<{ id: string; status: JobStatus }> {
  const job = await findJob(jobId)
  if (job.status !== 'running') throw new AppError(409, 'job_state', `This job is ${job.status}; resume it first.`, { param: 'jobId' })
  await db.jobPart.updateMany({ where: { jobId, status: 'queued' }, data: { nextAttemptAt: new Date() } })
  await requestJobTick(jobId)
  return { id: jobId, status: 'running' }
}

export async function jobExists(jobId: string): Promise<boolean> {
  return (await db.job.count({ where: { id: jobId } })) > 0
}
