import type { ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { NextRequest } from 'next/server'
import { GET as getPage } from '@/app/api/batches/[batchId]/results/route'
import { GET as getFacets } from '@/app/api/batches/[batchId]/results/facets/route'
import { GET as getRow } from '@/app/api/batches/[batchId]/results/row/route'
import { GET as getExport } from '@/app/api/batches/[batchId]/results/export/route'
import { db, dbKind } from '@/lib/server/db'
import { cancelEngineBatch, createEngineBatch, saveUpstream, startScheduler, startSimulator, type Scheduler, type Simulator } from '@/lib/server/engine'
import { SIM_FAIL_ONCE } from '@/lib/server/engine/simulator'
import { ingestFile } from '@/lib/server/files/ingest'
import { indexBatchResults } from '@/lib/server/results/indexer'
import type { ResultFacets, ResultPage, ResultRowDetail } from '@/lib/types'
import { chatLine } from '@/tests/support/batch-files'
import { FAST_ENGINE, waitFor } from '@/tests/support/engine'
import { callRoute } from '@/tests/support/routes'
import { exited, startWorker } from '@/tests/support/worker'

// Issue 20 item 4: an engine batch's results page, search and export work while it runs, and the index it ends with
// is the one a batch never listed live gets.

let simulator: Simulator
let scheduler: Scheduler
const workers: ChildProcess[] = []

beforeAll(async () => {
  simulator = await startSimulator({ latencyMs: 40 })
  await saveUpstream({ name: 'slow', baseUrl: simulator.url, models: ['slow-*'], maxConcurrency: 4 })
})

// After each test, not all: a retried test (vitest.config.mts) must not meet the processes of its first try.
afterEach(async () => {
  for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  await Promise.all(workers.splice(0).map(exited))
})

afterAll(async () => {
  await scheduler?.stop()
  await simulator.close()
})

async function useScheduler(liveResults: boolean) {
  await scheduler?.stop()
  scheduler = startScheduler({ ...FAST_ENGINE, liveResults })
}

/** Every 7th line asks about zebras (search finds them); every 10th is refused by the simulator (an error line). */
async function createBatch(lines: number, model = 'slow-model') {
  const text = Array.from({ length: lines }, (_, i) =>
    chatLine({
      customId: `request-${i + 1}`,
      model,
      content: `${(i + 1) % 10 === 0 ? SIM_FAIL_ONCE : ''} Question ${i + 1} about ${(i + 1) % 7 === 0 ? 'zebras' : 'cats'}`,
    }),
  )
  const temp = path.join(os.tmpdir(), `live-${Date.now()}-${Math.random()}.jsonl`)
  writeFileSync(temp, `${text.join('\n')}\n`)
  const { file } = await ingestFile(temp, { filename: 'live.jsonl', rejectInvalid: true, reuseDuplicate: false })
  return createEngineBatch({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: null })
}

const facetsOf = async (batchId: string) => (await callRoute(getFacets, `/api/batches/${batchId}/results/facets`, { batchId })).body as ResultFacets
const pageOf = async (batchId: string, query = '') => (await callRoute(getPage, `/api/batches/${batchId}/results?${query}`, { batchId })).body as ResultPage
const countOf = (facets: ResultFacets, status: string) => facets.statuses.find((s) => s.status === status)?.count ?? 0
const readBatch = (id: string) => db.batch.findUniqueOrThrow({ where: { id } })
/** What the waits read of a batch (a whole row has BigInt columns, which a timed-out wait could not print). */
const readProgress = (id: string) => db.batch.findUniqueOrThrow({ where: { id }, select: { status: true, requestCountCompleted: true } })
const zebras = (lines: number) => Math.floor(lines / 7)

/** Waits until the batch is listed live with at least `succeeded` answered lines. */
const untilListedLive = (batchId: string, succeeded: number, timeoutMs = 30_000, everyMs?: number) =>
  waitFor(
    () => facetsOf(batchId),
    (facets) => facets.index.state === 'live' && countOf(facets, 'succeeded') >= succeeded,
    timeoutMs,
    everyMs,
  )

/** Waits until the batch has ended with `status`, then for its final index. */
async function finalFacets(batchId: string, status: string, timeoutMs: number) {
  await waitFor(
    () => readProgress(batchId),
    (b) => b.status === status,
    timeoutMs,
  )
  return waitFor(
    () => facetsOf(batchId),
    (facets) => facets.index.state === 'ready',
    60_000,
  )
}

/** The batch's rows as the results page sees them (without the row ids, which a rebuild renews). */
async function rowsOf(batchId: string) {
  const rows = await db.resultRow.findMany({ where: { batchId }, orderBy: { customId: 'asc' } })
  return rows.map(({ id: _id, ...row }) => row)
}

/**
 * The final index equals the one indexBatchResults builds from the same files for a batch never listed live, and
 * SQLite's full-text table agrees with the rows (a stale or missing entry fails FTS5's integrity check).
 */
async function expectExactFinalIndex(batchId: string, lines: number) {
  const final = await rowsOf(batchId)
  expect(final).toHaveLength(lines)
  expect(final.filter((row) => row.status === 'pending' || row.status === 'missing')).toEqual([])
  const batch = await readBatch(batchId)
  expect(final.every((row) => row.resultFileId === batch.outputFileId || row.resultFileId === batch.errorFileId)).toBe(true)
  await db.resultIndex.delete({ where: { batchId } })
  await db.$executeRaw`DELETE FROM "ResultRow" WHERE "batchId" = ${batchId}`
  expect(await indexBatchResults(batchId)).toMatchObject({ state: 'ready', rowCount: lines })
  expect(await rowsOf(batchId)).toEqual(final)
  if (dbKind === 'sqlite') await db.$executeRawUnsafe(`INSERT INTO "ResultText"("ResultText") VALUES ('integrity-check')`)
  expect((await pageOf(batchId, 'q=zebras')).total).toBe(zebras(lines))
}

describe('results while the engine runs a batch', () => {
  it('lists, searches and exports the lines answered so far, then ends with the exact index', { timeout: 400_000 }, async () => {
    await useScheduler(true)
    const LINES = 1_500
    const batch = await createBatch(LINES)

    const early = await untilListedLive(batch.id, 20)
    expect(early.index.rowCount).toBe(LINES)
    expect(early.index.message).toMatch(/^Partial: \d[\d,]* of 1,500 lines so far, updating\.$/)
    const answered = countOf(early, 'succeeded') + countOf(early, 'failed')
    expect(early.index.message).toContain(`Partial: ${answered.toLocaleString('en-US')} of`)
    expect(answered + countOf(early, 'pending')).toBe(LINES)
    expect(countOf(early, 'pending')).toBeGreaterThan(0)

    const succeeded = await pageOf(batch.id, 'status=succeeded&limit=5')
    expect(succeeded.index.state).toBe('live')
    expect(succeeded.total).toBeGreaterThanOrEqual(20)
    const first = succeeded.data[0]!
    const { body } = await callRoute(getRow, `/api/batches/${batch.id}/results/row?customId=${first.customId}`, { batchId: batch.id })
    const row = body as ResultRowDetail
    expect(JSON.parse(row.resultLine!)).toMatchObject({ custom_id: first.customId, response: { status_code: 200 } })
    expect(JSON.parse(row.inputLine!)).toMatchObject({ custom_id: first.customId })
    // Search covers every line's prompt, answered or not, and the answered ones' responses.
    expect((await pageOf(batch.id, 'q=zebras')).total).toBe(zebras(LINES))
    expect((await pageOf(batch.id, `q=${first.customId}`)).data.map((r) => r.customId)).toContain(first.customId)
    const failed = await pageOf(batch.id, 'status=failed')
    expect(failed.data.every((r) => r.customId.endsWith('0'))).toBe(true)

    const exported = await getExport(new NextRequest(new URL(`http://127.0.0.1/api/batches/${batch.id}/results/export?format=jsonl&status=succeeded`)), {
      params: Promise.resolve({ batchId: batch.id }),
    })
    expect(exported.status).toBe(200)
    const exportedLines = (await exported.text()).split('\n').filter(Boolean)
    expect(exportedLines.length).toBeGreaterThanOrEqual(succeeded.total)

    const later = await waitFor(
      () => facetsOf(batch.id),
      (facets) => facets.index.state !== 'live' || countOf(facets, 'succeeded') > countOf(early, 'succeeded'),
      30_000,
    )
    expect(later.index.state === 'ready' || countOf(later, 'succeeded') > countOf(early, 'succeeded')).toBe(true)

    const final = await finalFacets(batch.id, 'completed', 180_000)
    expect(final.index).toMatchObject({ state: 'ready', rowCount: LINES, message: null })
    expect(countOf(final, 'succeeded')).toBe(LINES - LINES / 10)
    expect(countOf(final, 'failed')).toBe(LINES / 10)
    expect(final.statuses.map((s) => s.status)).not.toContain('pending')
    // The final rows have the upstream timings the live ones lacked.
    expect(await db.resultRow.count({ where: { batchId: batch.id, status: 'succeeded', latencyMs: null } })).toBe(0)
    await expectExactFinalIndex(batch.id, LINES)
  })

  it('cancelled mid-run, ends with every line in the index: answered, failed or cancelled', { timeout: 200_000 }, async () => {
    await useScheduler(true)
    const LINES = 1_500
    const batch = await createBatch(LINES)
    await untilListedLive(batch.id, 20)
    await cancelEngineBatch(batch.id)
    const final = await finalFacets(batch.id, 'cancelled', 60_000)
    expect(final.index.rowCount).toBe(LINES)
    expect(countOf(final, 'cancelled')).toBeGreaterThan(0)
    expect(countOf(final, 'succeeded') + countOf(final, 'failed') + countOf(final, 'cancelled')).toBe(LINES)
    await expectExactFinalIndex(batch.id, LINES)
  })

  it('with live results off, a running batch lists nothing until it ends', { timeout: 60_000 }, async () => {
    await useScheduler(false)
    const batch = await createBatch(200)
    await waitFor(
      () => readProgress(batch.id),
      (b) => b.requestCountCompleted >= 10,
    )
    const facets = await facetsOf(batch.id)
    expect(facets.index).toMatchObject({ state: 'not_indexed', message: 'Results are listed here as soon as the engine starts running the batch.' })
    expect(await db.resultRow.count({ where: { batchId: batch.id } })).toBe(0)
    await scheduler.stop()
  })
})

describe('a worker killed with SIGKILL while its batch is listed live', () => {
  it('starts the live index over on restart and ends with the exact index', { timeout: 400_000 }, async () => {
    await scheduler.stop()
    const LINES = 4_000
    const env = { BATCHBOARD_SIMULATOR_LATENCY_MS: '40', BATCHBOARD_SIMULATOR_CONCURRENCY: '8' }
    const batch = await createBatch(LINES, 'sim-chat')
    const first = await startWorker(env)
    workers.push(first)
    await untilListedLive(batch.id, 200, 120_000, 20)
    first.kill('SIGKILL')
    await exited(first)
    expect((await readBatch(batch.id)).status).toBe('in_progress')

    const atCrash = await facetsOf(batch.id)
    const second = await startWorker(env)
    workers.push(second)
    // The restarted run lists the lines again from what its commit log kept: one row per line, none lost.
    const resumed = await waitFor(
      () => facetsOf(batch.id),
      (facets) => facets.index.state === 'ready' || (facets.index.state === 'live' && countOf(facets, 'succeeded') > countOf(atCrash, 'succeeded')),
      90_000,
    )
    if (resumed.index.state === 'live') {
      expect(resumed.index.rowCount).toBe(LINES)
      expect(countOf(resumed, 'succeeded') + countOf(resumed, 'failed') + countOf(resumed, 'pending')).toBe(LINES)
    }
    await waitFor(
      () => readProgress(batch.id),
      (b) => b.status === 'completed',
      120_000,
      100,
    )
    const final = await waitFor(
      () => db.resultIndex.findUniqueOrThrow({ where: { batchId: batch.id } }),
      (index) => index.state === 'ready',
      60_000,
    )
    second.kill('SIGTERM')
    await exited(second)
    expect(final.rowCount).toBe(LINES)
    await expectExactFinalIndex(batch.id, LINES)
  })
})
