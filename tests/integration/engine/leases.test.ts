import { readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { db, dbKind } from '@/lib/server/db'
import { createEngineBatch, saveUpstream, startScheduler, startSimulator, type Scheduler, type Simulator } from '@/lib/server/engine'
import { ingestFile } from '@/lib/server/files/ingest'
import { fromStoragePath } from '@/lib/server/storage'
import { chatFile } from '@/tests/support/batch-files'
import { FAST_ENGINE, parseResultLines, waitFor } from '@/tests/support/engine'

let simulator: Simulator
const schedulers: Scheduler[] = []

beforeAll(async () => {
  simulator = await startSimulator({ latencyMs: 20 })
  await saveUpstream({ name: 'sim', baseUrl: simulator.url, models: ['sim-*'], maxConcurrency: 4, timeoutMs: 30_000 })
})

afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((scheduler) => scheduler.stop()))
  // Batches left running by a test would be claimed by the next test's schedulers.
  await db.batch.updateMany({ where: { status: { notIn: ['completed', 'failed', 'cancelled', 'expired'] } }, data: { status: 'cancelled' } })
})

afterAll(async () => {
  await simulator.close()
})

const run = (options: Parameters<typeof startScheduler>[0] = {}) => {
  const scheduler = startScheduler({ ...FAST_ENGINE, ...options })
  schedulers.push(scheduler)
  return scheduler
}

async function createBatch(lines: number): Promise<string> {
  const temp = path.join(os.tmpdir(), `leases-${Date.now()}-${Math.random()}.jsonl`)
  writeFileSync(temp, chatFile(lines, { model: 'sim-chat' }))
  const { file } = await ingestFile(temp, { filename: 'leases.jsonl', rejectInvalid: true, reuseDuplicate: false })
  const { id } = await createEngineBatch({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: null })
  return id
}

async function customIds(batchId: string): Promise<string[]> {
  const batch = await db.batch.findUniqueOrThrow({ where: { id: batchId } })
  const file = await db.file.findUniqueOrThrow({ where: { id: batch.outputFileId! } })
  return parseResultLines(readFileSync(fromStoragePath(file.storagePath!), 'utf8')).map((line) => line.custom_id)
}

const leases = () => db.engineRun.findMany({ select: { batchId: true, leaseOwner: true, leaseExpiresAt: true } })

describe(`engine leases (${dbKind})`, () => {
  it('three schedulers share six batches: each runs under one lease, renewed while it runs, and every line is answered once', { timeout: 90_000 }, async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => createBatch(150)))
    // A lease shorter than a batch's run: only renewal keeps the others off it.
    const owners = [run({ maxBatches: 2, leaseMs: 1_000 }), run({ maxBatches: 2, leaseMs: 1_000 }), run({ maxBatches: 2, leaseMs: 1_000 })].map((s) => s.owner)
    const held = await waitFor(leases, (rows) => rows.filter((row) => row.leaseOwner !== null).length === 6, 20_000)
    // Each scheduler took at most its two, so all three hold some: nobody waited behind another's claim.
    const perOwner = owners.map((owner) => held.filter((row) => row.leaseOwner === owner).length)
    expect(perOwner).toEqual([2, 2, 2])
    const renewed = await waitFor(
      leases,
      (rows) => rows.every((row) => row.leaseExpiresAt === null || row.leaseExpiresAt > held.find((h) => h.batchId === row.batchId)!.leaseExpiresAt!),
      20_000,
    )
    for (const row of renewed) if (row.leaseOwner) expect(row.leaseOwner).toBe(held.find((h) => h.batchId === row.batchId)!.leaseOwner)

    const done = await waitFor(
      () => db.batch.findMany({ where: { id: { in: ids } } }),
      (rows) => rows.every((row) => row.status === 'completed'),
      60_000,
      100,
    )
    for (const batch of done) {
      expect(batch.requestCountCompleted).toBe(150)
      const answered = await customIds(batch.id)
      expect(answered).toHaveLength(150)
      expect(new Set(answered).size).toBe(150)
    }
  })

  it('leaves a live lease of another process alone and takes it over once it has expired', { timeout: 60_000 }, async () => {
    // Long enough (about a second here) that the new holder is seen before it finishes and gives the lease back.
    const id = await createBatch(2_000)
    const elsewhere = 'another-host:4242:abcdef'
    await db.engineRun.update({ where: { batchId: id }, data: { leaseOwner: elsewhere, leaseExpiresAt: new Date(Date.now() + 60_000) } })
    const scheduler = run()
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    expect((await db.engineRun.findUniqueOrThrow({ where: { batchId: id } })).leaseOwner).toBe(elsewhere)
    expect((await db.batch.findUniqueOrThrow({ where: { id } })).requestCountCompleted).toBe(0)

    // Its holder died without giving it back: the lease lapses.
    await db.engineRun.update({ where: { batchId: id }, data: { leaseExpiresAt: new Date(Date.now() - 1) } })
    const taken = await waitFor(
      () => db.engineRun.findUniqueOrThrow({ where: { batchId: id } }),
      (row) => row.leaseOwner === scheduler.owner,
      10_000,
    )
    expect(taken.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now())
    await waitFor(
      () => db.batch.findUniqueOrThrow({ where: { id } }),
      (batch) => batch.status === 'completed',
      30_000,
    )
    expect(new Set(await customIds(id)).size).toBe(2_000)
  })

  it.skipIf(dbKind !== 'postgresql')(
    'skips a row another transaction holds locked instead of waiting for it (PostgreSQL: FOR UPDATE SKIP LOCKED)',
    { timeout: 60_000 },
    async () => {
      const locked = await createBatch(10)
      const free = await createBatch(10)
      // Another process in the middle of claiming `locked`: its transaction holds the row.
      const other = new pg.Client({ connectionString: process.env.DATABASE_URL })
      await other.connect()
      try {
        await other.query('BEGIN')
        await other.query('SELECT * FROM "EngineRun" WHERE "batchId" = $1 FOR UPDATE', [locked])
        const scheduler = run()
        const claimed = await waitFor(
          () => db.engineRun.findUniqueOrThrow({ where: { batchId: free } }),
          (row) => row.leaseOwner === scheduler.owner,
          5_000,
        )
        expect(claimed.leaseOwner).toBe(scheduler.owner)
        expect((await db.engineRun.findUniqueOrThrow({ where: { batchId: locked } })).leaseOwner).toBeNull()
        // Released, it is claimed on a later look.
        await other.query('ROLLBACK')
        await waitFor(
          () => db.batch.findMany({ where: { id: { in: [locked, free] } } }),
          (rows) => rows.every((row) => row.status === 'completed'),
          30_000,
        )
      } finally {
        await other.end()
      }
    },
  )
})
