import { existsSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createBatch } from '@/lib/server/batches'
import { startSync } from '@/lib/server/connections/sync'
import { db } from '@/lib/server/db'
import { ingestFile } from '@/lib/server/files/ingest'
import { createJob, tickJob } from '@/lib/server/jobs'
import { LEASE_RENEW_MS, RECOVERY_GRACE_MS, recoverSubmittingParts } from '@/lib/server/jobs/submit'
import { fromStoragePath } from '@/lib/server/storage'
import { chatLine } from '@/tests/support/batch-files'
import { useEngineWithSimulator, waitFor } from '@/tests/support/engine'
import { startFaultProxy, type FaultProxy } from '@/tests/support/fault-proxy'
import { readJsonl, runJobToEnd, saveV1Connection } from '@/tests/support/jobs'
import { startV1Server } from '@/tests/support/v1-server'
import { exited, startWorker } from '@/tests/support/worker'

const LINES = 40
const PER_PART = 20
let v1: Awaited<ReturnType<typeof startV1Server>>
let proxy: FaultProxy
let sync: ReturnType<typeof startSync> | null = null
let connectionId: string

async function storeInput(name: string) {
  const text = Array.from({ length: LINES }, (_, index) =>
    chatLine({ customId: `${name}-${index + 1}`, model: 'sim-chat', content: `${name} ${index + 1} ${Math.random()}` }),
  )
  const temp = path.join(os.tmpdir(), `jobs-crash-remote-${Date.now()}-${Math.random()}.jsonl`)
  writeFileSync(temp, `${text.join('\n')}\n`)
  return (await ingestFile(temp, { filename: `${name}.jsonl`, rejectInvalid: true, reuseDuplicate: false })).file
}

/** The provider's batches (the builtin engine behind /v1) that carry this job's metadata. */
async function providerBatchesOf(jobId: string) {
  const rows = await db.batch.findMany({ where: { connectionId: 'builtin' }, select: { id: true, metadata: true } })
  return rows.map((row) => ({ id: row.id, metadata: (row.metadata ?? {}) as Record<string, string> })).filter((row) => row.metadata.batchboard_job === jobId)
}

/** This process takes over: the sync loop runs here, and the job is ticked until it ends. */
function finishHere(jobId: string) {
  sync = startSync({ pollMs: 40, minMs: 40, maxMs: 200 })
  return runJobToEnd(jobId, 200_000, 200)
}

const outputIds = async (fileId: string) => (await readJsonl(fileId)).map((line) => line.custom_id)

describe('a job on an openai connection whose process is killed with SIGKILL', () => {
  useEngineWithSimulator()

  beforeAll(async () => {
    v1 = await startV1Server()
    proxy = await startFaultProxy(v1.baseURL)
    connectionId = await saveV1Connection('Remote through a proxy', proxy.baseURL, PER_PART)
  })

  afterEach(async () => {
    await sync?.stop()
    sync = null
    proxy.reset()
  })

  afterAll(async () => {
    await proxy.close()
    await v1.close()
  })

  it('between a part’s create and its answer: the part is found on the provider by its key, adopted, and never sent twice', { timeout: 300_000 }, async () => {
    const file = await storeInput('held')
    // The provider creates the batch; its answer never reaches the worker.
    proxy.fail('POST', /\/batches$/, 'hold')
    const worker = await startWorker({ BATCHBOARD_ENGINE: 'off' })
    const { id } = await createJob({ fileId: file.id, connectionId, completionWindow: '24h', description: '', metadata: [], maxAttempts: 3 })
    const [created] = await waitFor(
      () => providerBatchesOf(id),
      (batches) => batches.length === 1,
      90_000,
      50,
    )
    const held = await db.jobPart.findFirstOrThrow({ where: { jobId: id, status: 'submitting' } })
    expect(created!.metadata.batchboard_part).toBe(held.submitKey)
    worker.kill('SIGKILL')
    await exited(worker)

    // Someone else's batch on the provider: recovery must not import it.
    const other = await storeInput('other')
    const { id: otherId } = await createBatch({ connectionId: 'builtin', fileId: other.id, completionWindow: '24h', description: 'not ours', metadata: [] })
    // As if the recovery grace (a create still under way elsewhere) had passed.
    await db.jobPart.update({ where: { id: held.id }, data: { submittedAt: new Date(Date.now() - 10 * 60_000) } })

    const job = await finishHere(id)
    expect(job.status).toBe('completed')
    expect(job.lines).toEqual({ total: LINES, succeeded: LINES, failed: 0, pending: 0 })
    expect(await outputIds(job.outputFileId!)).toEqual(Array.from({ length: LINES }, (_, index) => `held-${index + 1}`))
    // One provider batch per part, each key once; the held part's batch is the one the worker created.
    const onProvider = await providerBatchesOf(id)
    expect(onProvider).toHaveLength(LINES / PER_PART)
    expect(new Set(onProvider.map((batch) => batch.metadata.batchboard_part)).size).toBe(onProvider.length)
    const adopted = await db.batch.findFirstOrThrow({ where: { jobId: id, jobPart: { id: held.id } } })
    expect(adopted.remoteId).toBe(created!.id)
    expect(adopted.recordedAt).not.toBeNull()
    // Only that batch came in from the provider; its uploaded input is no longer noted for deletion.
    expect(await db.batch.count({ where: { connectionId, remoteId: otherId } })).toBe(0)
    expect(await db.remoteFileCleanup.count({ where: { connectionId, remoteFileId: adopted.remoteInputFileId! } })).toBe(0)
  })

  it('during a result download: the copy is done again from the start and the job ends with each line once', { timeout: 300_000 }, async () => {
    const file = await storeInput('download')
    // The worker's sync gets the headers and half of the first output file, then nothing more.
    proxy.fail('GET', /\/files\/[^/]+\/content$/, 'stall')
    const worker = await startWorker({ BATCHBOARD_ENGINE: 'off' })
    const { id } = await createJob({ fileId: file.id, connectionId, completionWindow: '24h', description: '', metadata: [], maxAttempts: 3 })
    await waitFor(
      async () => proxy.count('GET', /\/files\/[^/]+\/content$/),
      (count) => count >= 1,
      120_000,
      50,
    )
    // Let the half body land in the worker's .part file, then kill it mid-download.
    await new Promise((resolve) => setTimeout(resolve, 300))
    worker.kill('SIGKILL')
    await exited(worker)
    const stalled = await db.batch.findMany({ where: { jobId: id, outputFileId: null, remoteOutputFileId: { not: null } } })
    expect(stalled.length).toBeGreaterThan(0)

    // The dead worker's claim on the batch's sync lapses after two minutes; then this process copies the file again.
    const job = await finishHere(id)
    expect(job.status).toBe('completed')
    expect(job.lines).toEqual({ total: LINES, succeeded: LINES, failed: 0, pending: 0 })
    expect(await outputIds(job.outputFileId!)).toEqual(Array.from({ length: LINES }, (_, index) => `download-${index + 1}`))
    // The cut-off copy was never recorded: every copied output file is whole (its line count is its part's).
    for (const batch of await db.batch.findMany({ where: { jobId: id }, include: { outputFile: true } })) {
      expect(batch.outputFile?.lineCount).toBe(PER_PART)
      expect(existsSync(fromStoragePath(batch.outputFile!.storagePath!))).toBe(true)
    }
    expect(await providerBatchesOf(id)).toHaveLength(LINES / PER_PART)
  })

  it(
    'while a part uploads for longer than the recovery grace: its sender renews the lease, so recovery leaves it and it is sent once',
    { timeout: 180_000 },
    async () => {
      const file = await storeInput('slow')
      // The first part's file upload answers only after the sender has renewed its lease once.
      proxy.fail('POST', /\/files$/, { delayMs: LEASE_RENEW_MS + 5_000 })
      const { id } = await createJob({ fileId: file.id, connectionId, completionWindow: '24h', description: '', metadata: [], maxAttempts: 3 })
      const ticking = tickJob(id)
      const sending = await waitFor(
        () => db.jobPart.findFirst({ where: { jobId: id, status: 'submitting' } }),
        (part) => part !== null,
        60_000,
        50,
      )
      const started = sending!.submittedAt!.getTime()
      await waitFor(
        () => db.jobPart.findUniqueOrThrow({ where: { id: sending!.id } }),
        (part) => part.submittedAt!.getTime() > started,
        LEASE_RENEW_MS + 20_000,
        200,
      )
      // Another process's recovery, past the grace counted from when the part started to be sent: the lease holds it.
      const job = await db.job.findUniqueOrThrow({
        where: { id },
        include: { connection: { select: { id: true, kind: true, name: true, enqueuedTokenLimits: true } } },
      })
      await recoverSubmittingParts(job, started + RECOVERY_GRACE_MS + 1_000)
      expect(await db.jobPart.findUniqueOrThrow({ where: { id: sending!.id } })).toMatchObject({ status: 'submitting' })

      await ticking
      expect(await db.jobPart.findUniqueOrThrow({ where: { id: sending!.id } })).toMatchObject({ status: 'submitted' })
      const done = await finishHere(id)
      expect(done.status).toBe('completed')
      // Each part's file went up once and each part is one batch on the provider.
      expect(proxy.count('POST', /\/files$/)).toBe(LINES / PER_PART)
      const onProvider = await providerBatchesOf(id)
      expect(onProvider).toHaveLength(LINES / PER_PART)
      expect(new Set(onProvider.map((batch) => batch.metadata.batchboard_part)).size).toBe(onProvider.length)
    },
  )
})
