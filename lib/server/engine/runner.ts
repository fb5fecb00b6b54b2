import 'server-only'
import { logger } from '@/lib/server/log'
import { countEngineLine, trackEngineRequest } from '@/lib/server/metrics'
import { runInWorker } from '@/lib/server/workers/pool'
import { setMaxListeners } from 'node:events'
import { open, stat, type FileHandle } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { DEFAULT_MODELS } from '@/lib/jsonl'
import { db } from '@/lib/server/db'
import { newFileId } from '@/lib/server/ids'
import { indexBatchResults } from '@/lib/server/results/indexer'
import { ensureStorageDirs, fromStoragePath, toStoragePath } from '@/lib/server/storage'
import { BATCH_FILE_RETENTION_SECONDS } from '@/lib/validations/batches'
import { readInputLines } from './input-lines'
import { AdaptiveLimiter } from './limiter'
import { emptyUsage, errorBodyJson, newRequestId, notRunLine, resultLine, resultPaths, usageOf, type Usage } from './results'
import { UpstreamNetworkError, UpstreamTimeoutError, postJson, type UpstreamResponse } from './upstream-http'
import { backoffMs, isRetryableStatus, retryAfterMs } from './retry'
import { SIMULATOR_UPSTREAM_NAME, resolveUpstream, type UpstreamTarget } from './upstreams'

export const ENGINE_ENDPOINTS = ['/v1/chat/completions', '/v1/completions', '/v1/responses', '/v1/embeddings', '/v1/moderations'] as const

export type EngineOptions = {
  /** Attempts per line, the first included. */
  maxAttempts: number
  backoffBaseMs: number
  backoffMaxMs: number
  /** Finished lines are committed at least this often, and at once when `flushLines` are waiting. */
  flushMs: number
  flushLines: number
  /** A lease not renewed for this long may be taken by another process. */
  leaseMs: number
  /** How often a running batch looks for cancel and expiry. */
  watchMs: number
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  maxAttempts: 6,
  backoffBaseMs: 500,
  backoffMaxMs: 30_000,
  flushMs: 250,
  flushLines: 2_000,
  leaseMs: 30_000,
  watchMs: 500,
}

export class LeaseLostError extends Error {
  constructor(batchId: string) {
    super(`Another process took over batch ${batchId}.`)
    this.name = 'LeaseLostError'
  }
}

export type RunContext = { owner: string; options: EngineOptions; signal: AbortSignal; onStop?: (check: () => void) => void }

const DEFAULT_FILE_LOOKUP_MESSAGE = (id: string) => `Cannot find file ${id}, or organization batchboard does not have access to it.`

// Per-process limiters, shared by every batch using the same upstream: the upstream's limit is per server.
const limiters = new Map<string, AdaptiveLimiter>()
function limiterFor(target: UpstreamTarget): AdaptiveLimiter {
  const name = target.key.split(':')[0]!
  let limiter = limiters.get(name)
  if (!limiter) limiters.set(name, (limiter = new AdaptiveLimiter(target.maxConcurrency)))
  else if (limiter.max !== target.maxConcurrency) limiter.resize(target.maxConcurrency)
  return limiter
}

/** `latencyMs`: how long the upstream took to answer the final attempt, when one answered. */
type LineOutcome = ({ ok: true; line: string; usage: Usage } | { ok: false; line: string }) & { latencyMs?: number }

async function executeLine(
  target: UpstreamTarget,
  limiter: AdaptiveLimiter,
  path: string,
  customId: string,
  body: string,
  options: EngineOptions,
  signal: AbortSignal,
): Promise<LineOutcome | null> {
  let lastFailure: UpstreamResponse | Error | null = null
  let latencyMs: number | undefined
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    let response: UpstreamResponse
    const started = performance.now()
    try {
      response = await postJson(target, path, body, target.timeoutMs, signal)
      latencyMs = Math.round(performance.now() - started)
    } catch (error) {
      if (signal.aborted) return null
      lastFailure = error as Error
      if (attempt < options.maxAttempts && !(await pause(backoffMs(attempt, options), signal))) return null
      continue
    }
    const requestId = (response.headers['x-request-id'] as string | undefined) ?? newRequestId()
    if (response.status < 400) {
      let parsed: unknown
      try {
        parsed = JSON.parse(response.text)
      } catch {
        return {
          ok: false,
          latencyMs,
          line: resultLine(
            customId,
            502,
            requestId,
            errorBodyJson('The upstream answered with something that is not JSON.', 'server_error', 'bad_upstream_response'),
          ),
        }
      }
      limiter.onSuccess()
      // Compact JSON can be embedded as is; anything with a newline would break the JSONL file.
      const json = response.text.includes('\n') ? JSON.stringify(parsed) : response.text
      return { ok: true, latencyMs, line: resultLine(customId, response.status, requestId, json), usage: usageOf(parsed) }
    }
    if (response.status === 429 || response.status === 503) limiter.onOverload()
    lastFailure = response
    if (!isRetryableStatus(response.status) || attempt === options.maxAttempts) break
    const wait = retryAfterMs(response.headers, options.backoffMaxMs) ?? backoffMs(attempt, options)
    if (!(await pause(wait, signal))) return null
  }
  if (lastFailure instanceof Error) {
    const timeout = lastFailure instanceof UpstreamTimeoutError
    // Synthesised like a gateway would, so every HTTP failure in the error file reads response.body.error.
    const message = timeout || lastFailure instanceof UpstreamNetworkError ? lastFailure.message : 'The request to the upstream failed.'
    return {
      ok: false,
      line: resultLine(
        customId,
        timeout ? 504 : 502,
        newRequestId(),
        errorBodyJson(message, 'server_error', timeout ? 'upstream_timeout' : 'upstream_unreachable'),
      ),
    }
  }
  const failed = lastFailure!
  const requestId = (failed.headers['x-request-id'] as string | undefined) ?? newRequestId()
  let json: string
  try {
    const parsed = JSON.parse(failed.text) as unknown
    json = parsed && typeof parsed === 'object' && 'error' in parsed ? JSON.stringify(parsed) : errorBodyJson(failed.text.slice(0, 2000), 'server_error', null)
  } catch {
    json = errorBodyJson(
      failed.text.slice(0, 2000) || `The upstream answered HTTP ${failed.status}.`,
      failed.status >= 500 ? 'server_error' : 'invalid_request_error',
      null,
    )
  }
  return { ok: false, latencyMs, line: resultLine(customId, failed.status, requestId, json) }
}

async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal })
    return true
  } catch {
    return false
  }
}

type BatchRow = NonNullable<Awaited<ReturnType<typeof loadBatch>>>
const loadBatch = (id: string) => db.batch.findUnique({ where: { id }, include: { engineRun: true, inputFile: true } })

/** Runs one builtin batch as far as it can go: validation, execution, and the terminal state. Resumable at any point. */
export async function runBatch(batchId: string, context: RunContext): Promise<void> {
  let batch = await loadBatch(batchId)
  if (!batch || !batch.engineRun) return
  if (batch.status === 'validating') {
    await validateBatch(batch)
    batch = await loadBatch(batchId)
    if (!batch) return
  }
  if (batch.status === 'cancelling' && batch.inProgressAt === null) {
    await finishBatch(batch, 'cancelled', context.owner)
    return
  }
  if (['in_progress', 'finalizing', 'cancelling'].includes(batch.status)) await executeBatch(batch, context)
}

async function failValidation(batchId: string, errors: { code: string; message: string; param: string | null; line: number | null }[]) {
  await db.batch.updateMany({ where: { id: batchId, status: 'validating' }, data: { status: 'failed', failedAt: new Date(), errors } })
}

async function validateBatch(batch: BatchRow): Promise<void> {
  if (batch.expiresAt && batch.expiresAt.getTime() <= Date.now()) {
    await db.batch.updateMany({ where: { id: batch.id, status: 'validating' }, data: { status: 'expired', expiredAt: new Date() } })
    return
  }
  const file = batch.inputFile
  if (!file || !file.storagePath) {
    const id = batch.remoteInputFileId ?? batch.inputFileId ?? 'unknown'
    await failValidation(batch.id, [{ code: 'invalid_request', message: DEFAULT_FILE_LOOKUP_MESSAGE(id), param: 'file_id', line: null }])
    return
  }
  const report = await runInWorker({
    kind: 'validate',
    path: fromStoragePath(file.storagePath),
    options: { endpoint: batch.endpoint, supportedEndpoints: ENGINE_ENDPOINTS, tokenEstimate: 'off' },
  })
  if (!report.ok) {
    await failValidation(batch.id, report.errors)
    return
  }
  const model = report.facts.model ?? DEFAULT_MODELS.get(batch.endpoint) ?? null
  const target = await resolveUpstream(model)
  if (!target) {
    await failValidation(batch.id, [
      {
        code: 'model_not_found',
        message: `The provided model '${model}' is not supported by the Batch API. No upstream serves it; add one whose models match it.`,
        param: 'body.model',
        line: 1,
      },
    ])
    return
  }
  const total = report.facts.requestCount
  await db.$transaction([
    db.batch.updateMany({
      where: { id: batch.id, status: 'validating' },
      data: {
        status: 'in_progress',
        inProgressAt: new Date(),
        model,
        requestCountTotal: total,
        usageInputTokens: 0,
        usageCachedTokens: 0,
        usageOutputTokens: 0,
        usageReasoningTokens: 0,
        usageTotalTokens: 0,
      },
    }),
    db.engineRun.update({
      where: { batchId: batch.id },
      data: {
        doneLines: new Uint8Array(Math.ceil(total / 8)),
        outputBytes: 0,
        errorBytes: 0,
        upstreamName: target.simulated ? SIMULATOR_UPSTREAM_NAME : target.name,
      },
    }),
  ])
}

/** Opens a result file for appending, cut back to what the database says is committed: a crash's half-written tail goes. */
async function openCommitted(filePath: string, committed: number): Promise<FileHandle> {
  const size = await stat(filePath).then(
    (s) => s.size,
    () => 0,
  )
  if (size < committed) throw new Error(`${filePath} has ${size} bytes but ${committed} were committed; the data dir was changed underneath the engine.`)
  const handle = await open(filePath, 'a')
  if (size > committed) await handle.truncate(committed)
  return handle
}

type StopReason = 'cancel' | 'expire' | 'shutdown' | 'lease' | 'error'

async function executeBatch(batch: BatchRow, context: RunContext): Promise<void> {
  const { options, owner } = context
  const run = batch.engineRun!
  const input = batch.inputFile?.storagePath ? fromStoragePath(batch.inputFile.storagePath) : null
  await ensureStorageDirs()
  const paths = resultPaths(batch.id)
  const out = await openCommitted(paths.output, Number(run.outputBytes))
  const err = await openCommitted(paths.error, Number(run.errorBytes))
  // Timings are not committed like results: a line run again after a crash appends its timing again, and the
  // indexer keeps the last one.
  const timings = await open(paths.timings, 'a')
  const done = Buffer.from(run.doneLines ?? new Uint8Array(Math.ceil(batch.requestCountTotal / 8)))
  const isDone = (index: number) => ((done[index >> 3] ?? 0) & (1 << (index & 7))) !== 0

  let outputBytes = Number(run.outputBytes)
  let errorBytes = Number(run.errorBytes)
  let linesPerSecond = run.linesPerSecond
  let tokensPerSecond = run.tokensPerSecond
  let lastCommit = Date.now()

  type Pending = { out: string[]; err: string[]; timings: string[]; indexes: number[]; completed: number; failed: number; usage: Usage }
  const fresh = (): Pending => ({ out: [], err: [], timings: [], indexes: [], completed: 0, failed: 0, usage: emptyUsage() })
  let pending = fresh()
  let flushing: Promise<void> = Promise.resolve()
  let flushError: unknown = null

  const stopper = new AbortController()
  // Every request and backoff in flight listens for the stop.
  setMaxListeners(0, stopper.signal)
  let stopReason: StopReason | null = batch.status === 'cancelling' ? 'cancel' : null
  const stop = (reason: StopReason) => {
    if (stopReason === null) stopReason = reason
    stopper.abort(new Error(`stopped: ${reason}`))
  }
  if (stopReason) stopper.abort()
  const onShutdown = () => stop('shutdown')
  context.signal.addEventListener('abort', onShutdown, { once: true })
  if (context.signal.aborted) stop('shutdown')

  async function commit(force: boolean) {
    const batchOut = pending
    pending = fresh()
    const lines = batchOut.indexes.length
    if (lines === 0 && !force) return
    const outText = batchOut.out.join('')
    const errText = batchOut.err.join('')
    // The bytes reach the disk before the database says they exist; a crash in between leaves a tail that the
    // next run truncates, and those lines run again: none lost, none written twice.
    if (outText) await out.write(outText)
    if (errText) await err.write(errText)
    if (batchOut.timings.length > 0) await timings.write(batchOut.timings.join(''))
    await Promise.all([outText ? out.datasync() : null, errText ? err.datasync() : null])
    outputBytes += Buffer.byteLength(outText)
    errorBytes += Buffer.byteLength(errText)
    for (const index of batchOut.indexes) done[index >> 3]! |= 1 << (index & 7)
    const now = Date.now()
    const seconds = Math.max(0.001, (now - lastCommit) / 1000)
    lastCommit = now
    if (lines > 0) {
      linesPerSecond = linesPerSecond === 0 ? lines / seconds : 0.7 * linesPerSecond + 0.3 * (lines / seconds)
      tokensPerSecond = tokensPerSecond === 0 ? batchOut.usage.total / seconds : 0.7 * tokensPerSecond + 0.3 * (batchOut.usage.total / seconds)
    }
    await db.$transaction(async (tx) => {
      const renewed = await tx.engineRun.updateMany({
        where: { batchId: batch.id, leaseOwner: owner },
        data: { doneLines: done, outputBytes, errorBytes, leaseExpiresAt: new Date(now + options.leaseMs), linesPerSecond, tokensPerSecond },
      })
      if (renewed.count === 0) throw new LeaseLostError(batch.id)
      if (lines === 0) return
      const { usage } = batchOut
      await tx.batch.update({
        where: { id: batch.id },
        data: {
          requestCountCompleted: { increment: batchOut.completed },
          requestCountFailed: { increment: batchOut.failed },
          usageInputTokens: { increment: usage.input },
          usageCachedTokens: { increment: usage.cached },
          usageOutputTokens: { increment: usage.output },
          usageReasoningTokens: { increment: usage.reasoning },
          usageTotalTokens: { increment: usage.total },
        },
      })
    })
  }

  const flush = (force = false) => {
    flushing = flushing
      .then(() => (flushError ? undefined : commit(force)))
      .catch((error: unknown) => {
        flushError = error
        stop(error instanceof LeaseLostError ? 'lease' : 'error')
      })
    return flushing
  }

  const record = (index: number, outcome: LineOutcome, customId?: string) => {
    pending.indexes.push(index)
    if (outcome.latencyMs !== undefined && customId !== undefined) pending.timings.push(`[${JSON.stringify(customId)},${outcome.latencyMs}]\n`)
    if (outcome.ok) {
      pending.out.push(outcome.line)
      pending.completed++
      const { usage } = pending
      usage.input += outcome.usage.input
      usage.cached += outcome.usage.cached
      usage.output += outcome.usage.output
      usage.reasoning += outcome.usage.reasoning
      usage.total += outcome.usage.total
    } else {
      pending.err.push(outcome.line)
      pending.failed++
    }
    if (pending.indexes.length >= options.flushLines) void flush()
  }

  let checking = false
  const check = () => {
    if (checking || stopReason) return
    checking = true
    void db.batch
      .findUnique({ where: { id: batch.id }, select: { status: true, expiresAt: true } })
      .then((row) => {
        if (!row || row.status === 'cancelling' || row.status === 'cancelled') stop('cancel')
        else if (row.expiresAt && row.expiresAt.getTime() <= Date.now() && row.status === 'in_progress') stop('expire')
      })
      .catch(() => {})
      .finally(() => (checking = false))
  }
  context.onStop?.(check)
  const flushTimer = setInterval(() => void flush(Date.now() - lastCommit > options.leaseMs / 3), options.flushMs)
  const watchTimer = setInterval(check, options.watchMs)

  try {
    if (!stopReason && batch.status === 'in_progress' && input) {
      const targets = new Map<string, UpstreamTarget | null>()
      const inFlight = new Set<Promise<void>>()
      const path = batch.endpoint.replace(/^\/v1(?=\/)/, '')
      for await (const line of readInputLines(input)) {
        if (stopReason) break
        if (isDone(line.index)) continue
        const request = JSON.parse(line.text) as { custom_id: string; body: Record<string, unknown> }
        const model = typeof request.body.model === 'string' ? request.body.model : (DEFAULT_MODELS.get(batch.endpoint) ?? null)
        const cacheKey = model ?? ''
        if (!targets.has(cacheKey)) targets.set(cacheKey, await resolveUpstream(model))
        const target = targets.get(cacheKey)
        if (!target) {
          record(line.index, {
            ok: false,
            line: resultLine(
              request.custom_id,
              404,
              newRequestId(),
              errorBodyJson(`The model '${model}' is not served by any upstream.`, 'invalid_request_error', 'model_not_found'),
            ),
          })
          continue
        }
        const limiter = limiterFor(target)
        try {
          await limiter.acquire(stopper.signal)
        } catch {
          break
        }
        trackEngineRequest(target.name, 1)
        const task: Promise<void> = executeLine(target, limiter, path, request.custom_id, JSON.stringify(request.body), options, stopper.signal)
          .then((outcome) => {
            // null: stopped before it finished; it stays not-done and is run again (or written as not run).
            if (outcome) record(line.index, outcome, request.custom_id)
            if (outcome) countEngineLine(target.name, outcome.ok)
          })
          .finally(() => {
            trackEngineRequest(target.name, -1)
            limiter.release()
            inFlight.delete(task)
          })
        inFlight.add(task)
      }
      await Promise.allSettled([...inFlight])
    }
    clearInterval(flushTimer)
    clearInterval(watchTimer)
    await flush(true)
    if (flushError) throw flushError
    const reason = stopReason as StopReason | null
    if (reason === 'shutdown') {
      await db.engineRun.updateMany({ where: { batchId: batch.id, leaseOwner: owner }, data: { leaseOwner: null, leaseExpiresAt: null } })
      return
    }
    if (reason === 'cancel' || reason === 'expire') {
      if (input) {
        for await (const line of readInputLines(input)) {
          if (isDone(line.index)) continue
          const request = JSON.parse(line.text) as { custom_id: string }
          record(line.index, { ok: false, line: notRunLine(request.custom_id, reason === 'cancel' ? 'batch_cancelled' : 'batch_expired') })
        }
      }
      await flush(true)
      if (flushError) throw flushError
      await finishBatch(await reloadBatch(batch.id), reason === 'cancel' ? 'cancelled' : 'expired', owner)
      return
    }
    await finishBatch(await reloadBatch(batch.id), 'completed', owner)
  } finally {
    clearInterval(flushTimer)
    clearInterval(watchTimer)
    context.signal.removeEventListener('abort', onShutdown)
    await Promise.allSettled([out.close(), err.close(), timings.close()])
  }
}

const reloadBatch = async (id: string) => (await loadBatch(id))!

/**
 * The terminal step, in one transaction: File rows for the non-empty result files, the status and its timestamp.
 * Completed batches pass through finalizing first, as OpenAI's do.
 */
async function finishBatch(batch: BatchRow, status: 'completed' | 'cancelled' | 'expired', owner: string): Promise<void> {
  if (status === 'completed' && batch.status === 'in_progress') {
    const moved = await db.batch.updateMany({ where: { id: batch.id, status: 'in_progress' }, data: { status: 'finalizing', finalizingAt: new Date() } })
    if (moved.count === 0) {
      // Cancelled between the last line and now: every line ran, so nothing is written as not run.
      const again = await reloadBatch(batch.id)
      if (again.status === 'cancelling') return finishBatch(again, 'cancelled', owner)
      return
    }
  }
  const run = batch.engineRun!
  const paths = resultPaths(batch.id)
  const now = new Date()
  const retention = (run.outputExpiresAfterSeconds ?? BATCH_FILE_RETENTION_SECONDS) * 1000
  const from = status === 'completed' ? ['in_progress', 'finalizing'] : status === 'cancelled' ? ['cancelling'] : ['in_progress', 'validating']
  const fileData = (kind: 'output' | 'error', bytes: bigint) => ({
    id: newFileId(),
    connectionId: batch.connectionId,
    filename: `${batch.id}_${kind}.jsonl`,
    purpose: 'batch_output',
    bytes,
    status: 'processed',
    storagePath: toStoragePath(paths[kind]),
    expiresAt: new Date(now.getTime() + retention),
  })
  await db.$transaction(async (tx) => {
    const fresh = await tx.batch.findUniqueOrThrow({ where: { id: batch.id } })
    if (!from.includes(fresh.status)) return
    const current = await tx.engineRun.findUniqueOrThrow({ where: { batchId: batch.id } })
    let outputFileId = fresh.outputFileId
    let errorFileId = fresh.errorFileId
    if (!outputFileId && current.outputBytes > 0n) outputFileId = (await tx.file.create({ data: fileData('output', current.outputBytes) })).id
    if (!errorFileId && current.errorBytes > 0n) errorFileId = (await tx.file.create({ data: fileData('error', current.errorBytes) })).id
    const stamp = status === 'completed' ? { completedAt: now } : status === 'cancelled' ? { cancelledAt: now } : { expiredAt: now }
    await tx.batch.update({
      where: { id: batch.id },
      data: { status, ...stamp, outputFileId, errorFileId, remoteOutputFileId: outputFileId, remoteErrorFileId: errorFileId },
    })
    await tx.engineRun.updateMany({ where: { batchId: batch.id, leaseOwner: owner }, data: { leaseOwner: null, leaseExpiresAt: null } })
  })
  // The results page would index on first open; doing it now makes that open instant. A failure is not the batch's:
  // the page shows it and indexes again.
  await indexBatchResults(batch.id).catch((error: unknown) => logger.error({ err: error, batchId: batch.id }, 'Indexing the results failed.'))
}
