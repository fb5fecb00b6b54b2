import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { GET as getHealth } from '@/app/api/health/route'
import { GET as getBatches } from '@/app/api/batches/route'
import { GET as getMetrics } from '@/app/metrics/route'
import { createBatch } from '@/lib/server/batches'
import { startEventLoopDelaySampling } from '@/lib/server/metrics'
import { db } from '@/lib/server/db'
import { ingestFile } from '@/lib/server/files/ingest'
import { chatFile } from '@/tests/support/batch-files'
import { useEngineWithSimulator, waitFor } from '@/tests/support/engine'
import { NextRequest } from 'next/server'

const METRICS_TOKEN = 'metrics-token-for-the-test-0123'
const API_KEY = 'bb-api-key-for-the-metrics-test'

vi.hoisted(() => {
  process.env.BATCHBOARD_AUTH = 'on'
  process.env.METRICS_TOKEN = 'metrics-token-for-the-test-0123'
  process.env.BATCHBOARD_API_KEY = 'bb-api-key-for-the-metrics-test'
})

const scrape = async (authorization?: string) => {
  const response = await getMetrics(new NextRequest('http://127.0.0.1/metrics', { headers: authorization ? { authorization } : {} }), {})
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() }
}

/** The value of one sample line (`name{labels} value`) in a Prometheus text exposition. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('GET /metrics', () => {
  // `sim-*` models always go to the built-in simulator, the upstream named "simulator".
  useEngineWithSimulator()

  it('answers 401 without a session, METRICS_TOKEN or API key', async () => {
    expect((await scrape()).status).toBe(401)
    expect((await scrape('Bearer not-the-token-at-all')).status).toBe(401)
  })

  it('shows request durations by route, engine lines, upload bytes, queue depths and event-loop lag', async () => {
    const health = await getHealth(new NextRequest('http://127.0.0.1/api/health'), {})
    expect(health.status).toBe(200)
    expect((await getBatches(new NextRequest('http://127.0.0.1/api/batches'), {})).status).toBe(401)

    const temp = path.join(os.tmpdir(), `metrics-${process.pid}.jsonl`)
    const content = chatFile(3, { model: 'sim-chat' })
    writeFileSync(temp, content)
    const { file } = await ingestFile(temp, { filename: 'metrics.jsonl', rejectInvalid: true, reuseDuplicate: false })
    const batch = await createBatch({ fileId: file.id, connectionId: 'builtin', completionWindow: '24h', description: '', metadata: [] })
    await waitFor(
      () => db.batch.findUniqueOrThrow({ where: { id: batch.id } }),
      (row) => row.status === 'completed',
    )

    const { status, type, text } = await scrape(`Bearer ${METRICS_TOKEN}`)
    expect(status).toBe(200)
    expect(type).toContain('text/plain')
    expect(sample(text, 'batchboard_http_request_duration_seconds_count{method="GET",route="/api/health",status="200"}')).toBe(1)
    expect(sample(text, 'batchboard_http_request_duration_seconds_count{method="GET",route="/api/batches",status="401"}')).toBe(1)
    expect(sample(text, 'batchboard_engine_lines_total{upstream="simulator",outcome="succeeded"}')).toBe(3)
    expect(sample(text, 'batchboard_engine_in_flight_requests{upstream="simulator"}')).toBe(0)
    expect(sample(text, 'batchboard_upload_bytes_total')).toBe(Buffer.byteLength(content))
    expect(sample(text, 'batchboard_batches{status="in_progress"}')).toBe(0)
    expect(sample(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0)
  })

  it("keeps the event loop's delay in a histogram that no scrape resets", async () => {
    startEventLoopDelaySampling()
    const slow = 'batchboard_eventloop_delay_seconds_bucket{le="0.1"}'
    const count = 'batchboard_eventloop_delay_seconds_count'
    await waitFor(
      async () => sample((await scrape(`Bearer ${METRICS_TOKEN}`)).text, count) ?? 0,
      (samples) => samples > 0,
    )
    // Hold the thread for 150 ms: the timer due within the next 10 ms runs over 100 ms late.
    const until = performance.now() + 150
    while (performance.now() < until);
    const blocked = await waitFor(
      async () => (await scrape(`Bearer ${METRICS_TOKEN}`)).text,
      (text) => (sample(text, count) ?? 0) > (sample(text, slow) ?? 0),
    )
    // A second scrape still counts it: nothing was reset.
    const again = (await scrape(`Bearer ${METRICS_TOKEN}`)).text
    expect((sample(again, count) ?? 0) - (sample(again, slow) ?? 0)).toBeGreaterThanOrEqual((sample(blocked, count) ?? 0) - (sample(blocked, slow) ?? 0))
    expect(sample(again, 'batchboard_eventloop_delay_seconds_bucket{le="+Inf"}')).toBe(sample(again, count))
  })

  it('takes a /v1 API key too, and counts its own scrapes', async () => {
    expect((await scrape(`Bearer ${API_KEY}`)).status).toBe(200)
    const { status, text } = await scrape(`Bearer ${API_KEY}`)
    expect(status).toBe(200)
    expect(sample(text, 'batchboard_http_request_duration_seconds_count{method="GET",route="/metrics",status="200"}')).toBeGreaterThanOrEqual(1)
  })
})
