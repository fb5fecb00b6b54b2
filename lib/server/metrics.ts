import 'server-only'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type CollectFunction } from 'prom-client'
import { BATCH_STATUSES, isTerminal } from '@/lib/batch/status'
import { db } from '@/lib/server/db'
import { workerPoolStats } from '@/lib/server/workers/pool'

const QUEUED_STATUSES = BATCH_STATUSES.filter((status) => !isTerminal(status))
/** How often the event-loop delay is sampled: prom-client's own monitor (eventLoopMonitoringPrecision) uses the same. */
const DELAY_SAMPLE_MS = 10

// Names and units follow https://prometheus.io/docs/practices/naming/ (base units, `_total` counters).
function createMetrics() {
  const registry = new Registry()
  // Process and Node metrics, among them nodejs_eventloop_lag_p99_seconds: prom-client resets its event-loop delay
  // histogram at every scrape, so the percentiles cover the time since the previous scrape.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 })
  const registers = [registry]
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) => new Counter<L>({ name, help, labelNames, registers })
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = [], collect?: CollectFunction<Gauge<L>>) =>
    new Gauge<L>({ name, help, labelNames, registers, collect })
  return {
    registry,
    httpDuration: new Histogram({
      name: 'batchboard_http_request_duration_seconds',
      help: 'Time to answer a request (to the response headers for streams), by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    engineLines: counter(
      'batchboard_engine_lines_total',
      'Batch lines the built-in engine finished in this process, by upstream and outcome (succeeded or failed).',
      ['upstream', 'outcome'],
    ),
    engineInFlight: gauge('batchboard_engine_in_flight_requests', 'Requests the built-in engine has open to each upstream.', ['upstream']),
    uploadBytes: counter('batchboard_upload_bytes_total', 'Bytes of batch files received and stored (dashboard uploads, /v1/files, built files).'),
    syncCalls: counter('batchboard_sync_calls_total', 'Refreshes of remote batches from their provider, by provider kind and outcome (ok or error).', [
      'provider',
      'outcome',
    ]),
    batches: gauge(
      'batchboard_batches',
      'Batches not yet finished (the queue), by status; read from the database at each scrape.',
      ['status'],
      async function () {
        const rows = await db.batch.groupBy({ by: ['status'], where: { status: { in: [...QUEUED_STATUSES] } }, _count: { _all: true } })
        this.reset()
        for (const status of QUEUED_STATUSES) this.set({ status }, rows.find((row) => row.status === status)?._count._all ?? 0)
      },
    ),
    eventLoopDelay: new Histogram({
      name: 'batchboard_eventloop_delay_seconds',
      help: `How late a timer due every ${DELAY_SAMPLE_MS} ms ran on the thread that answers requests, since the server started.`,
      buckets: [0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    workerQueue: gauge('batchboard_worker_pool_queue_size', 'CPU-heavy tasks (file validation, hashing) waiting for a worker thread.', [], function () {
      this.set(workerPoolStats().queued)
    }),
    workerThreads: gauge('batchboard_worker_pool_threads', 'Worker threads running; they stop after an idle minute.', [], function () {
      this.set(workerPoolStats().threads)
    }),
  }
}

export type Metrics = ReturnType<typeof createMetrics>

// One registry per process, shared by the routes and the engine started from instrumentation (separate bundles).
const globalForMetrics = globalThis as unknown as { batchboardMetrics?: Metrics; batchboardDelaySampling?: boolean }
export const metrics: Metrics = globalForMetrics.batchboardMetrics ?? createMetrics()
globalForMetrics.batchboardMetrics = metrics

export const recordRequestDuration = (method: string, route: string, status: number, ms: number) =>
  metrics.httpDuration.observe({ method, route, status: String(status) }, ms / 1000)

export const countEngineLine = (upstream: string, ok: boolean) => metrics.engineLines.inc({ upstream, outcome: ok ? 'succeeded' : 'failed' })

export const trackEngineRequest = (upstream: string, delta: 1 | -1) => metrics.engineInFlight.inc({ upstream }, delta)

type EngineOutcome = 'succeeded' | 'failed'
/** The engine figures a thread running the engine (./engine/thread.ts) sends to the thread that serves /metrics. */
export type EngineMetrics = {
  /** Lines finished since the previous report. */
  lines: { upstream: string; outcome: EngineOutcome; count: number }[]
  /** Requests open now. */
  inFlight: { upstream: string; count: number }[]
}

const linesSent = new Map<string, number>()

/** This thread's engine figures since the previous call: only the engine thread calls it. */
export async function takeEngineMetrics(): Promise<EngineMetrics> {
  const lines: EngineMetrics['lines'] = []
  for (const { labels, value } of (await metrics.engineLines.get()).values) {
    const upstream = String(labels.upstream)
    const outcome: EngineOutcome = labels.outcome === 'failed' ? 'failed' : 'succeeded'
    const key = `${outcome}:${upstream}`
    if (value > (linesSent.get(key) ?? 0)) lines.push({ upstream, outcome, count: value - (linesSent.get(key) ?? 0) })
    linesSent.set(key, value)
  }
  const inFlight = (await metrics.engineInFlight.get()).values.map(({ labels, value }) => ({ upstream: String(labels.upstream), count: value }))
  return { lines, inFlight }
}

/** Adds an engine thread's report to this thread's metrics. */
export function addEngineMetrics(report: EngineMetrics) {
  for (const { upstream, outcome, count } of report.lines) metrics.engineLines.inc({ upstream, outcome }, count)
  for (const { upstream, count } of report.inFlight) metrics.engineInFlight.set({ upstream }, count)
}

/** An engine thread ended: no request of it is open any more. */
export function clearEngineInFlight() {
  metrics.engineInFlight.reset()
}

/**
 * Samples the event loop's delay into batchboard_eventloop_delay_seconds (the server calls it once, at start).
 * prom-client's nodejs_eventloop_lag_* percentiles cover only the time since the previous scrape and cannot be
 * combined; this histogram is never reset, so `histogram_quantile(0.99, rate(batchboard_eventloop_delay_seconds_bucket[5m]))`
 * gives the lag's p99 over any range, as the soak reads it over its whole load.
 */
export function startEventLoopDelaySampling(): void {
  if (globalForMetrics.batchboardDelaySampling) return
  globalForMetrics.batchboardDelaySampling = true
  let due = performance.now() + DELAY_SAMPLE_MS
  setInterval(() => {
    const now = performance.now()
    metrics.eventLoopDelay.observe(Math.max(0, now - due) / 1000)
    // Node schedules the next run from the moment this one runs.
    due = now + DELAY_SAMPLE_MS
  }, DELAY_SAMPLE_MS).unref()
}

export const countUploadBytes = (bytes: number) => metrics.uploadBytes.inc(bytes)

export const countSyncCall = (provider: string, ok: boolean) => metrics.syncCalls.inc({ provider, outcome: ok ? 'ok' : 'error' })

/** The Prometheus text exposition of every metric of this process. */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  return { body: await metrics.registry.metrics(), contentType: metrics.registry.contentType }
}
