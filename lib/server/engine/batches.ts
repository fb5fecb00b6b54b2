import 'server-only'
import { BUILTIN_CONNECTION_ID } from '@/lib/constants'
import type { BatchProgress } from '@/lib/types'
import { db } from '@/lib/server/db'
import { AppError, notFound } from '@/lib/server/http/errors'
import { newBatchId } from '@/lib/server/ids'
import { parseCompletionWindow } from './completion-window'
import { wakeSchedulers } from './scheduler'

export type CreateEngineBatchInput = {
  inputFileId: string
  endpoint: string
  completionWindow: string
  metadata: Record<string, string> | null
  outputExpiresAfterSeconds?: number | null
  parentBatchId?: string | null
}

/**
 * Creates a builtin batch in `validating`; the scheduler takes it from there. A missing input file is not an error
 * here, as with OpenAI: the batch is created and then fails validation with `invalid_request` / `file_id`.
 */
export async function createEngineBatch(input: CreateEngineBatchInput) {
  const seconds = parseCompletionWindow(input.completionWindow)
  if (seconds === null)
    throw new AppError(400, 'invalid_value', `Invalid value for 'completion_window': '${input.completionWindow}'.`, { param: 'completion_window' })
  const file = await db.file.findUnique({ where: { id: input.inputFileId }, select: { id: true } })
  const id = newBatchId()
  const createdAt = new Date()
  const batch = await db.batch.create({
    data: {
      id,
      connectionId: BUILTIN_CONNECTION_ID,
      remoteId: id,
      endpoint: input.endpoint,
      completionWindow: input.completionWindow,
      status: 'validating',
      description: input.metadata?.description ?? null,
      metadata: input.metadata ?? undefined,
      inputFileId: file?.id ?? null,
      remoteInputFileId: input.inputFileId,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + seconds * 1000),
      parentBatchId: input.parentBatchId ?? null,
      engineRun: { create: { outputExpiresAfterSeconds: input.outputExpiresAfterSeconds ?? null } },
    },
  })
  wakeSchedulers()
  return batch
}

async function findEngineBatch(batchId: string) {
  const batch = await db.batch.findFirst({ where: { id: batchId, connectionId: BUILTIN_CONNECTION_ID } })
  if (!batch) throw notFound('batch', batchId)
  return batch
}

export const getEngineBatch = findEngineBatch

/**
 * OpenAI's rules: cancelling a completed, failed or expired batch is a 409; cancelling a cancelled (or cancelling)
 * one returns it unchanged. The runner stops the batch, writes unrun lines as batch_cancelled and ends it cancelled.
 */
export async function cancelEngineBatch(batchId: string) {
  const batch = await findEngineBatch(batchId)
  if (batch.status === 'cancelled' || batch.status === 'cancelling') return batch
  if (['completed', 'failed', 'expired'].includes(batch.status)) {
    throw new AppError(409, 'conflict', `Cannot cancel a batch with status '${batch.status}'.`)
  }
  const { count } = await db.batch.updateMany({
    where: { id: batchId, status: { in: ['validating', 'in_progress', 'finalizing'] } },
    data: { status: 'cancelling', cancellingAt: new Date() },
  })
  if (count === 0) return cancelEngineBatch(batchId)
  wakeSchedulers(batchId)
  return findEngineBatch(batchId)
}

export type EngineProgress = BatchProgress & { status: string }

/** A rate committed long ago describes a batch nobody is running now. */
const RATE_FRESH_MS = 10_000

type ProgressColumns = { status: string; requestCountTotal: number; requestCountCompleted: number; requestCountFailed: number }
type RunRates = { linesPerSecond: number; tokensPerSecond: number; updatedAt: Date }

/** Counts, throughput and ETA from a builtin batch's row and its run's rates, read by the caller (the status reads). */
export function engineProgressOf(batch: ProgressColumns, run: RunRates | null, now = Date.now()): EngineProgress {
  const done = batch.requestCountCompleted + batch.requestCountFailed
  const remaining = Math.max(0, batch.requestCountTotal - done)
  const running = ['in_progress', 'finalizing', 'cancelling'].includes(batch.status)
  const fresh = running && run !== null && now - run.updatedAt.getTime() < RATE_FRESH_MS
  const linesPerSecond = fresh ? run.linesPerSecond : 0
  return {
    status: batch.status,
    total: batch.requestCountTotal,
    completed: batch.requestCountCompleted,
    failed: batch.requestCountFailed,
    remaining,
    linesPerSecond,
    tokensPerSecond: fresh ? run.tokensPerSecond : 0,
    etaSeconds: running && linesPerSecond > 0 ? Math.ceil(remaining / linesPerSecond) : null,
  }
}
