import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { db, dbKind } from '@/lib/server/db'
import { createEngineBatch } from '@/lib/server/engine'
import { startEngineThread, type EngineThread } from '@/lib/server/engine/thread'
import { ingestFile } from '@/lib/server/files/ingest'
import { metrics, renderMetrics } from '@/lib/server/metrics'
import { chatFile } from '@/tests/support/batch-files'
import { waitFor } from '@/tests/support/engine'

// Decision 055: the server runs the engine in a worker thread that exists only while there is engine work, and its
// figures reach this thread's /metrics. No upstream is configured here, so the thread's own simulator answers.

let host: EngineThread | null = null

afterEach(async () => {
  await host?.stop()
  host = null
})

async function createBatch(lines: number) {
  const temp = path.join(os.tmpdir(), `engine-thread-${Date.now()}-${Math.random()}.jsonl`)
  writeFileSync(temp, chatFile(lines, { model: 'sim-chat' }))
  const { file } = await ingestFile(temp, { filename: 'thread.jsonl', rejectInvalid: true, reuseDuplicate: false })
  return createEngineBatch({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: null })
}

const readProgress = (id: string) =>
  db.batch.findUniqueOrThrow({ where: { id }, select: { status: true, requestCountCompleted: true, engineRun: { select: { leaseOwner: true } } } })

/** The batch's row once completed; the first batch after an idle spell waits for the thread to start (tsx compiles it). */
const untilCompleted = (batchId: string) =>
  waitFor(
    () => readProgress(batchId),
    (row) => row.status === 'completed',
    90_000,
    100,
  )

/** The lines the engine finished for the simulator, as /metrics says. */
async function simulatorLines(): Promise<number> {
  const values = (await metrics.engineLines.get()).values
  return values.filter((value) => value.labels.upstream === 'simulator' && value.labels.outcome === 'succeeded').reduce((sum, value) => sum + value.value, 0)
}

describe(`the engine thread (${dbKind})`, () => {
  it('starts when a batch is created, runs it to the end, reports its lines to /metrics, and ends when idle', { timeout: 120_000 }, async () => {
    host = startEngineThread({ pollMs: 200, idleMs: 1_500 })
    expect(host.running).toBe(false)
    const before = await simulatorLines()
    const batch = await createBatch(30)
    // Created batches wake it at once.
    expect(host.running).toBe(true)
    const done = await untilCompleted(batch.id)
    expect(done.requestCountCompleted).toBe(30)
    expect(done.engineRun?.leaseOwner ?? null).toBeNull()
    await waitFor(simulatorLines, (lines) => lines - before === 30, 10_000, 100)
    expect((await renderMetrics()).body).toMatch(/batchboard_engine_lines_total\{upstream="simulator",outcome="succeeded"\} \d+/)
    // Nothing left to run: the thread (and its memory) goes.
    const thread = host
    await waitFor(
      async () => thread.running,
      (running) => !running,
      20_000,
      100,
    )

    // A second batch starts it again.
    const second = await createBatch(10)
    expect(host.running).toBe(true)
    expect((await untilCompleted(second.id)).requestCountCompleted).toBe(10)
  })

  it('finds work no wake announced (left by a restart) with its poll', { timeout: 120_000 }, async () => {
    // The batch is created while no engine thread host is listening, as after a restart of the server.
    const batch = await createBatch(5)
    host = startEngineThread({ pollMs: 200, idleMs: 60_000 })
    expect((await untilCompleted(batch.id)).requestCountCompleted).toBe(5)
    // Stopping hands the thread's work back and ends it.
    await host.stop()
    expect(host.running).toBe(false)
  })
})
