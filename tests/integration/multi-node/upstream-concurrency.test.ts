import type { ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { db, dbKind } from '@/lib/server/db'
import { createEngineBatch, saveUpstream, startSimulator, type Simulator } from '@/lib/server/engine'
import { ingestFile } from '@/lib/server/files/ingest'
import { chatFile } from '@/tests/support/batch-files'
import { waitFor } from '@/tests/support/engine'
import { exited, startWorker } from '@/tests/support/worker'

// An upstream's maxConcurrency holds for all engine processes together on PostgreSQL (lib/server/engine/upstream-slots.ts):
// two workers running batches for one upstream never have more requests in flight to it than its limit, as the
// upstream itself counts them.
const MAX_CONCURRENCY = 6
const BATCHES = 8
const LINES = 150

let simulator: Simulator
const workers: ChildProcess[] = []

beforeAll(async () => {
  simulator = await startSimulator({ latencyMs: 40 })
})

// After each test, not all: a retried test (vitest.config.mts) must not meet the processes of its first try.
afterEach(async () => {
  for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL')
  await Promise.all(workers.splice(0).map(exited))
})

afterAll(async () => {
  await simulator?.close()
})

async function createBatch(i: number): Promise<string> {
  const temp = path.join(os.tmpdir(), `upstream-concurrency-${process.pid}-${i}.jsonl`)
  writeFileSync(temp, chatFile(LINES, { model: 'shared-chat' }))
  const { file } = await ingestFile(temp, { filename: 'shared.jsonl', rejectInvalid: true, reuseDuplicate: false })
  return (await createEngineBatch({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: null })).id
}

describe.skipIf(dbKind !== 'postgresql')('an upstream’s maxConcurrency across processes (PostgreSQL; per process on SQLite)', () => {
  it(`two workers together keep at most ${MAX_CONCURRENCY} requests in flight to an upstream limited to ${MAX_CONCURRENCY}`, { timeout: 300_000 }, async () => {
    await saveUpstream({ name: 'shared', baseUrl: simulator.url, models: ['shared-*'], maxConcurrency: MAX_CONCURRENCY, timeoutMs: 30_000 })
    workers.push(...(await Promise.all([startWorker({ LOG_LEVEL: 'warn' }), startWorker({ LOG_LEVEL: 'warn' })])))
    const ids = await Promise.all(Array.from({ length: BATCHES }, (_, i) => createBatch(i)))

    // Which processes hold the batches while they run: both workers must be sending at the same time, or the limit
    // was never shared.
    const owners = new Set<string>()
    const done = await waitFor(
      async () => {
        const runs = await db.engineRun.findMany({ where: { batchId: { in: ids }, leaseOwner: { not: null } }, select: { leaseOwner: true } })
        for (const run of runs) owners.add(run.leaseOwner!.split(':')[1]!)
        return db.batch.findMany({ where: { id: { in: ids } }, select: { status: true, requestCountCompleted: true } })
      },
      (batches) => batches.every((batch) => batch.status === 'completed'),
      150_000,
      100,
    )
    expect(done.map((batch) => batch.requestCountCompleted)).toEqual(ids.map(() => LINES))
    expect([...owners].sort()).toEqual(workers.map((worker) => String(worker.pid)).sort())
    expect(simulator.stats.ok).toBe(BATCHES * LINES)
    // Per process, the two would have reached 2 × MAX_CONCURRENCY at once.
    expect(simulator.stats.peakInFlight).toBeLessThanOrEqual(MAX_CONCURRENCY)
    expect(simulator.stats.peakInFlight).toBeGreaterThan(MAX_CONCURRENCY / 2)
  })
})
