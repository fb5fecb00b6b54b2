import 'server-only'
import { DEFAULT_MODELS, formatRefusal } from '@/lib/jsonl'
import { BUILTIN_CONNECTION_KIND } from '@/lib/constants'
import { onBatchTerminal } from '@/lib/server/batches/terminal'
import { db, dbKind } from '@/lib/server/db'
import { newFileId, newRequestId } from '@/lib/server/ids'
import { backoffMs, isRetryableStatus, pause, retryAfterMs } from '@/lib/server/retry'
import { countEngineLine, trackEngineRequest } from '@/lib/server/metrics'
import { LiveIndex, type CommittedBytes } from '@/lib/server/results/live'
import { ensureStorageDirs, fromStoragePath, resultPaths, toStoragePath } from '@/lib/server/storage'
import { runInWorker } from '@/lib/server/workers/pool'
import { BATCH_FILE_RETENTION_SECONDS } from '@/lib/validations/batches'
import { ENGINE_ENDPOINTS, ENGINE_ENDPOINT_NOTES } from './endpoints'
import { readInputLines } from './input-lines'
import { AdaptiveLimiter } from './limiter'
import { shareUpstream } from './upstream-slots'
import { CommitLog, type CommittedLines, type LineOutcome } from './commit-log'
import { errorBodyJson, notRunLine, resultLine, usageOf } from './results'
import { StopController, type StopReason } from './stop-controller'
import { UpstreamNetworkError, UpstreamTimeoutError, postJson, type UpstreamResponse } from './upstream-http'
import { SIMULATOR_UPSTREAM_NAME, resolveUpstream, type UpstreamTarget } from './upstreams'
import { checkV1Limits } from './v1-limits'

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
  /** List a running batch's finished lines on its results page (lib/server/results/live.ts). */
  liveResults: boolean
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  maxAttempts: 6,
  backoffBaseMs: 500,
  backoffMaxMs: 30_000,
  flushMs: 250,
  flushLines: 2_000,
  leaseMs: 30_000,
  watchMs: 500,
  liveResults: true,
}

export class LeaseLostError extends Error {
  constructor(batchId: string) {
    super(`Another process took over batch ${batchId}.`)
    this.name = 'LeaseLostError'
  }
}

export type RunContext = { owner: string; options: EngineOptions; signal: AbortSignal; onStop?: (check: () => void) => void }

const DEFAULT_FILE_LOOKUP_MESSAGE = (id: string) => `Cannot find file ${id}, or organization batchboard does not have access to it.`

// One limiter per upstream in this process, shared by every batch using it. On PostgreSQL the upstream's
// maxConcurrency holds for all engine processes together: the limiter's ceiling is this process's share
// (upstream-slots.ts). The built-in simulator is not shared: each process runs its own.
const limiters = new Map<string, AdaptiveLimiter>()
function limiterFor(target: UpstreamTarget): AdaptiveLimiter {
  const name = target.key.split(':')[0]!
  let limiter = limiters.get(name)
  if (!limiter) limiters.set(name, (limiter = new AdaptiveLimiter(target.maxConcurrency)))
  if (dbKind === 'postgresql' && !target.simulated) shareUpstream(name, target.maxConcurrency, limiter)
  else if (limiter.max !== target.maxConcurrency) limiter.resize(target.maxConcurrency)
  return limiter
}

async function executeLine(
  target: UpstreamTarget,
  limiter: AdaptiveLimiter,
  path: string,
  customId: string,
  body: string,
  options: EngineOptions,
  signal: AbortSignal,
): Promise<LineOutcome | null> {
  const backoff = { baseMs: options.backoffBaseMs, maxMs: options.backoffMaxMs }
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
      if (attempt < options.maxAttempts && !(await pause(backoffMs(attempt, backoff), signal))) return null
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
    const wait = retryAfterMs(response.headers, options.backoffMaxMs) ?? backoffMs(attempt, backoff)
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

type BatchRow = NonNullable<Awaited<ReturnType<typeof loadBatch>>>
const loadBatch = (id: string) => db.batch.findUnique({ where: { id }, include: { engineRun: true, inputFile: true } })

/** Runs one builtin batch as far as it can go: validation, execution, and the terminal state. Resumable at any point. */
export async function runBatch(batchId: string, context: RunContext): Promise<void> {
  let batch = await loadBatch(batchId)
  if (!batch || !batch.engineRun) return
  if (batch.status === 'validating' && !isPastWindow(batch)) {
    await validateBatch(batch)
    batch = await loadBatch(batchId)
    if (!batch) return
  }
  const early = stoppedBeforeStart(batch)
  if (early) {
    await stopBeforeStart(batch, early, context)
    return
  }
  if (['in_progress', 'finalizing', 'cancelling'].includes(batch.status)) await executeBatch(batch, context)
}

const isPastWindow = (batch: BatchRow) => batch.expiresAt !== null && batch.expiresAt.getTime() <= Date.now()

/** Cancelled, or out of time, before any line ran: every line still goes to the error file as not run. */
function stoppedBeforeStart(batch: BatchRow): 'cancel' | 'expire' | null {
  if (batch.status === 'cancelling' && batch.inProgressAt === null) return 'cancel'
  if (batch.status === 'validating' && isPastWindow(batch)) return 'expire'
  return null
}

/**
 * Accounts for every input line of a batch stopped before it ran: the file is validated first when that had not
 * finished (the line count comes from it, and an invalid file fails with its line errors as it would have anyway),
 * then the runner writes each line as batch_cancelled or batch_expired and ends the batch.
 */
async function stopBeforeStart(batch: BatchRow, reason: 'cancel' | 'expire', context: RunContext): Promise<void> {
  const file = batch.inputFile
  if (batch.engineRun!.doneLines === null && file?.storagePath) {
    const report = await runInWorker({
      kind: 'validate',
      path: fromStoragePath(file.storagePath),
      options: { endpoint: batch.endpoint, supportedEndpoints: ENGINE_ENDPOINTS, endpointNotes: ENGINE_ENDPOINT_NOTES, tokenEstimate: 'off' },
    })
    if (!report.ok) {
      await db.batch.updateMany({
        where: { id: batch.id, status: batch.status },
        data: { status: 'failed', failedAt: new Date(), errors: report.errors },
      })
      return
    }
    const total = report.facts.requestCount
    await db.$transaction(async (tx) => {
      const claimed = await tx.batch.updateMany({ where: { id: batch.id, status: batch.status }, data: { requestCountTotal: total } })
      if (claimed.count === 0) return
      await tx.engineRun.update({ where: { batchId: batch.id }, data: { doneLines: new Uint8Array(Math.ceil(total / 8)), outputBytes: 0, errorBytes: 0 } })
    })
    const reloaded = await loadBatch(batch.id)
    // Changed underneath (a cancel of a batch that was expiring): the next pass sees its new state.
    if (!reloaded || reloaded.status !== batch.status || reloaded.engineRun?.doneLines === null) return
    batch = reloaded
  }
  await executeBatch(batch, context, reason)
}

async function failValidation(batchId: string, errors: { code: string; message: string; param: string | null; line: number | null }[]) {
  await db.batch.updateMany({ where: { id: batchId, status: 'validating' }, data: { status: 'failed', failedAt: new Date(), errors } })
}

async function validateBatch(batch: BatchRow): Promise<void> {
  const file = batch.inputFile
  if (!file || !file.storagePath) {
    const id = batch.remoteInputFileId ?? batch.inputFileId ?? 'unknown'
    await failValidation(batch.id, [{ code: 'invalid_request', message: DEFAULT_FILE_LOOKUP_MESSAGE(id), param: 'file_id', line: null }])
    return
  }
  const report = await runInWorker({
    kind: 'validate',
    path: fromStoragePath(file.storagePath),
    options: { endpoint: batch.endpoint, supportedEndpoints: ENGINE_ENDPOINTS, endpointNotes: ENGINE_ENDPOINT_NOTES, tokenEstimate: 'off' },
  })
  if (!report.ok) {
    await failValidation(batch.id, report.errors)
    return
  }
  // A file in Anthropic's or Gemini's own format runs only on a connection of that kind (docs/decisions/046).
  const wrongFormat = formatRefusal(report.facts.format, BUILTIN_CONNECTION_KIND)
  if (wrongFormat) {
    await failValidation(batch.id, [{ code: 'invalid_request', message: wrongFormat, param: null, line: null }])
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
  const refusal = await checkV1Limits({
    id: batch.id,
    createdAt: batch.createdAt,
    model,
    requestCount: report.facts.requestCount,
    bytes: report.facts.bytes,
    estimatedInputTokens: Number(file.estimatedInputTokens ?? 0),
  })
  if (refusal) {
    await failValidation(batch.id, [refusal])
    return
  }
  const total = report.facts.requestCount
  await db.$transaction(async (tx) => {
    // Cancelled or expired while validating: the run state is left for stopBeforeStart, which counts the lines itself.
    const started = await tx.batch.updateMany({
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
    })
    if (started.count === 0) return
    await tx.engineRun.update({
      where: { batchId: batch.id },
      data: {
        doneLines: new Uint8Array(Math.ceil(total / 8)),
        outputBytes: 0,
        errorBytes: 0,
        upstreamName: target.simulated ? SIMULATOR_UPSTREAM_NAME : target.name,
      },
    })
  })
}

/** An exponentially weighted rate, so the throughput shown follows changes without jumping on every commit. */
const smoothRate = (previous: number, amount: number, seconds: number) => (previous === 0 ? amount / seconds : 0.7 * previous + 0.3 * (amount / seconds))

/** Asks the batch row whether a running batch must stop: cancelled (or gone), or past its completion window. */
async function probeBatch(batchId: string): Promise<StopReason | null> {
  const row = await db.batch.findUnique({ where: { id: batchId }, select: { status: true, expiresAt: true } })
  if (!row || row.status === 'cancelling' || row.status === 'cancelled') return 'cancel'
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now() && row.status === 'in_progress') return 'expire'
  return null
}

/** The commit log's database half: renews the lease with the committed sizes and done lines, then adds the counts. */
function persistTo(
  batchId: string,
  context: RunContext,
  rates: { linesPerSecond: number; tokensPerSecond: number },
  onCommitted: (bytes: CommittedBytes) => void,
) {
  return async (commit: CommittedLines) => {
    const seconds = Math.max(0.001, commit.elapsedMs / 1000)
    if (commit.lines > 0) {
      rates.linesPerSecond = smoothRate(rates.linesPerSecond, commit.lines, seconds)
      rates.tokensPerSecond = smoothRate(rates.tokensPerSecond, commit.usage.total, seconds)
    }
    await db.$transaction(async (tx) => {
      const renewed = await tx.engineRun.updateMany({
        where: { batchId, leaseOwner: context.owner },
        data: {
          doneLines: commit.doneLines,
          outputBytes: commit.outputBytes,
          errorBytes: commit.errorBytes,
          leaseExpiresAt: new Date(commit.at + context.options.leaseMs),
          ...rates,
        },
      })
      if (renewed.count === 0) throw new LeaseLostError(batchId)
      if (commit.lines === 0) return
      const { usage } = commit
      await tx.batch.update({
        where: { id: batchId },
        data: {
          requestCountCompleted: { increment: commit.completed },
          requestCountFailed: { increment: commit.failed },
          usageInputTokens: { increment: usage.input },
          usageCachedTokens: { increment: usage.cached },
          usageOutputTokens: { increment: usage.output },
          usageReasoningTokens: { increment: usage.reasoning },
          usageTotalTokens: { increment: usage.total },
        },
      })
    })
    onCommitted({ output: commit.outputBytes, error: commit.errorBytes })
  }
}

/** Sends every line not yet done to its upstream, as many at once as the upstreams' limiters allow, until done or stopped. */
async function dispatchLines(batch: BatchRow, input: string, context: RunContext, log: CommitLog, stops: StopController): Promise<void> {
  const targets = new Map<string, UpstreamTarget | null>()
  const inFlight = new Set<Promise<void>>()
  const path = batch.endpoint.replace(/^\/v1(?=\/)/, '')
  for await (const line of readInputLines(input)) {
    if (stops.reason) break
    if (log.isDone(line.index)) continue
    const request = JSON.parse(line.text) as { custom_id: string; body: Record<string, unknown> }
    const model = typeof request.body.model === 'string' ? request.body.model : (DEFAULT_MODELS.get(batch.endpoint) ?? null)
    const cacheKey = model ?? ''
    if (!targets.has(cacheKey)) targets.set(cacheKey, await resolveUpstream(model))
    const target = targets.get(cacheKey)
    if (!target) {
      log.record(line.index, {
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
      await limiter.acquire(stops.signal)
    } catch {
      break
    }
    trackEngineRequest(target.name, 1)
    const task: Promise<void> = executeLine(target, limiter, path, request.custom_id, JSON.stringify(request.body), context.options, stops.signal)
      .then((outcome) => {
        // null: stopped before it finished; it stays not-done and is run again (or written as not run).
        if (outcome) log.record(line.index, outcome, request.custom_id)
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

async function executeBatch(batch: BatchRow, context: RunContext, stoppedBefore: 'cancel' | 'expire' | null = null): Promise<void> {
  const { options, owner } = context
  const run = batch.engineRun!
  const input = batch.inputFile?.storagePath ? fromStoragePath(batch.inputFile.storagePath) : null
  await ensureStorageDirs()
  const stops = new StopController({
    initial: stoppedBefore ?? (batch.status === 'cancelling' ? 'cancel' : null),
    shutdown: context.signal,
    probe: () => probeBatch(batch.id),
    watchMs: options.watchMs,
  })
  let live: LiveIndex | null = null
  let log: CommitLog
  try {
    log = await CommitLog.open(
      resultPaths(batch.id),
      { outputBytes: Number(run.outputBytes), errorBytes: Number(run.errorBytes), doneLines: run.doneLines, totalLines: batch.requestCountTotal },
      {
        flushLines: options.flushLines,
        persist: persistTo(batch.id, context, { linesPerSecond: run.linesPerSecond, tokensPerSecond: run.tokensPerSecond }, (bytes) =>
          live?.committedUpTo(bytes),
        ),
        onError: (error) => stops.stop(error instanceof LeaseLostError ? 'lease' : 'error'),
      },
    )
  } catch (error) {
    stops.dispose()
    throw error
  }
  // After the log cut the files back to what is committed: a resumed run's index starts from there.
  if (options.liveResults && !stops.reason && batch.status === 'in_progress' && input)
    live = LiveIndex.start(batch, { output: Number(run.outputBytes), error: Number(run.errorBytes) })
  const stopLive = async () => {
    const index = live
    live = null
    await index?.stop()
  }
  context.onStop?.(() => stops.check())
  const flushTimer = setInterval(() => void log.flush(log.sinceCommitMs > options.leaseMs / 3), options.flushMs)

  const flushAll = async () => {
    await log.flush(true)
    if (log.error) throw log.error.error
  }

  try {
    if (!stops.reason && batch.status === 'in_progress' && input) await dispatchLines(batch, input, context, log, stops)
    clearInterval(flushTimer)
    stops.endWatch()
    await flushAll()
    const reason = stops.reason
    if (reason === 'shutdown') {
      await db.engineRun.updateMany({ where: { batchId: batch.id, leaseOwner: owner }, data: { leaseOwner: null, leaseExpiresAt: null } })
      return
    }
    if (reason === 'cancel' || reason === 'expire') {
      if (input) {
        for await (const line of readInputLines(input)) {
          if (log.isDone(line.index)) continue
          const request = JSON.parse(line.text) as { custom_id: string }
          log.record(line.index, { ok: false, line: notRunLine(request.custom_id, reason === 'cancel' ? 'batch_cancelled' : 'batch_expired') })
        }
      }
      await flushAll()
      await stopLive()
      await finishBatch(await reloadBatch(batch.id), reason === 'cancel' ? 'cancelled' : 'expired', owner)
      return
    }
    // Stopped before the terminal step, whose index build replaces the live rows.
    await stopLive()
    await finishBatch(await reloadBatch(batch.id), 'completed', owner)
  } finally {
    clearInterval(flushTimer)
    stops.dispose()
    await stopLive()
    await log.close()
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
  const written = await db.$transaction(async (tx) => {
    const fresh = await tx.batch.findUniqueOrThrow({ where: { id: batch.id } })
    if (!from.includes(fresh.status)) return false
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
    return true
  })
  if (written) return onBatchTerminal(batch.id)
  // A cancel landed after this step read the batch: finish it as cancelled. The terminal hook runs only on a batch
  // that has ended, or it would find it still cancelling and log a failed index.
  const again = await loadBatch(batch.id)
  if (again?.status === 'cancelling' && status !== 'cancelled') return finishBatch(again, 'cancelled', owner)
}
