import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { NextRequest } from 'next/server'
import { describe, expect, it } from 'vitest'
import { GET as exportJobResults } from '@/app/api/jobs/[jobId]/results/export/route'
import { GET as listJobResults } from '@/app/api/jobs/[jobId]/results/route'
import type { ResultPage } from '@/lib/types/results'
import { db, dbKind } from '@/lib/server/db'
import { Prisma } from '@/lib/server/db/generated/client'
import { ingestFile } from '@/lib/server/files/ingest'
import { cancelJob, createJob, getJob, tickJob } from '@/lib/server/jobs'
import { chatLine } from '@/tests/support/batch-files'
import { useEngineWithSimulator } from '@/tests/support/engine'
import { readJsonl, runJobToEnd } from '@/tests/support/jobs'
import { callRoute } from '@/tests/support/routes'
import { testDatabaseKind } from '@/tests/support/test-database'

/** A stored input of `count` lines; lines whose number is in `failOnce` are refused once by the simulator. */
async function storeInput(count: number, failOnce: ReadonlySet<number> = new Set()) {
  const text = Array.from({ length: count }, (_, index) => {
    const line = index + 1
    const content = `question ${line} ${Math.random()}${failOnce.has(line) ? ' [sim:fail-once]' : ''}`
    return chatLine({ customId: `q-${line}`, model: 'sim-chat', content })
  }).join('\n')
  const temp = path.join(os.tmpdir(), `jobs-${Date.now()}-${Math.random()}.jsonl`)
  writeFileSync(temp, `${text}\n`)
  const { file } = await ingestFile(temp, { filename: 'questions.jsonl', rejectInvalid: true, reuseDuplicate: false })
  return file
}

async function limitBuiltin(maxRequestsPerBatch: number, enqueuedTokenLimits: Record<string, number> | null = null) {
  await db.connection.update({ where: { id: 'builtin' }, data: { maxRequestsPerBatch, enqueuedTokenLimits: enqueuedTokenLimits ?? Prisma.DbNull } })
}

describe('jobs on the built-in engine', () => {
  const engine = useEngineWithSimulator()

  it('splits to the connection limit, retries lines that fail once, and ends with one output line per input line in order', { timeout: 120_000 }, async () => {
    await limitBuiltin(100)
    const failOnce = new Set([7, 150, 333])
    const file = await storeInput(450, failOnce)
    const { id } = await createJob({ fileId: file.id, connectionId: 'builtin', completionWindow: '24h', description: 'big', metadata: [], maxAttempts: 3 })
    const job = await runJobToEnd(id)

    expect(job.status).toBe('completed')
    expect(job.lines).toEqual({ total: 450, succeeded: 450, failed: 0, pending: 0 })
    const firstRound = job.parts.filter((part) => part.round === 1)
    expect(firstRound.map((part) => part.lineCount)).toEqual([100, 100, 100, 100, 50])
    const retries = job.parts.filter((part) => part.round > 1)
    expect(retries.reduce((sum, part) => sum + part.lineCount, 0)).toBe(failOnce.size)

    const output = await readJsonl(job.outputFileId!)
    expect(output.map((line) => line.custom_id)).toEqual(Array.from({ length: 450 }, (_, index) => `q-${index + 1}`))
    expect(job.errorFileId).toBeNull()
    const retried = await db.resultRow.findMany({ where: { batchId: id, customId: { in: ['q-7', 'q-150', 'q-333'] } } })
    expect(retried.map((row) => row.attempts)).toEqual([2, 2, 2])
    // Its results export (the results explorer's own) holds each custom_id once, in input order.
    const exported = await exportJobResults(new NextRequest(new URL(`http://127.0.0.1/api/jobs/${id}/results/export?format=jsonl`)), {
      params: Promise.resolve({ jobId: id }),
    })
    expect(exported.status).toBe(200)
    const exportedIds = (await exported.text())
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { custom_id: string }).custom_id)
    expect(exportedIds).toEqual(Array.from({ length: 450 }, (_, index) => `q-${index + 1}`))
    // Every line went into full-text search with its part, so each one's answer is found there (its prompt holds its number).
    const { status, body } = await callRoute(listJobResults, `/api/jobs/${id}/results?q=question`, { jobId: id })
    expect(status).toBe(200)
    expect((body as ResultPage).total).toBe(450)
    if (dbKind === 'sqlite') {
      const [indexed] = await db.$queryRaw<
        { n: bigint }[]
      >`SELECT COUNT(*) AS n FROM "ResultText_docsize" WHERE "id" IN (SELECT "id" FROM "ResultRow" WHERE "batchId" = ${id})`
      expect(Number(indexed!.n)).toBe(450)
    }
    // The job's batches are ordinary batches that know their job.
    expect(await db.batch.count({ where: { jobId: id } })).toBe(job.parts.length)
  })

  it('gives up on a line after its attempts, and keeps its last error in the error file', { timeout: 120_000 }, async () => {
    await limitBuiltin(10)
    const file = await storeInput(20, new Set([5]))
    const { id } = await createJob({ fileId: file.id, connectionId: 'builtin', completionWindow: '24h', description: '', metadata: [], maxAttempts: 1 })
    const job = await runJobToEnd(id)
    expect(job.status).toBe('completed')
    expect(job.lines).toMatchObject({ succeeded: 19, failed: 1, pending: 0 })
    const errors = await readJsonl(job.errorFileId!)
    expect(errors.map((line) => line.custom_id)).toEqual(['q-5'])
    expect(errors[0]!.response?.status_code).toBe(400)
  })

  it('holds parts back while the enqueued-token limit has no room for them', { timeout: 120_000 }, async () => {
    const file = await storeInput(40)
    const tokensPerPart = Number(file.estimatedInputTokens) / 4
    // Room for two and a half parts of 10 lines: parts are cut to a third of the limit instead, so three fill it.
    const limit = Math.ceil(tokensPerPart * 2.5)
    await limitBuiltin(10, { 'sim-*': limit })
    const { id } = await createJob({ fileId: file.id, connectionId: 'builtin', completionWindow: '24h', description: '', metadata: [], maxAttempts: 3 })
    // No part may end during the first tick (on a slow machine one could, and make room for a fourth).
    await engine.pause()
    const started = await tickJob(id)
      .then(() => getJob(id))
      .finally(engine.resume)
    expect(started.parts.every((part) => part.estimatedTokens <= Math.floor(limit / 3))).toBe(true)
    expect(started.parts.every((part) => part.lineCount < 10)).toBe(true)
    const submitted = started.parts.filter((part) => part.status === 'submitted')
    expect(submitted).toHaveLength(3)
    expect(submitted.reduce((sum, part) => sum + part.estimatedTokens, 0)).toBeLessThanOrEqual(limit)
    expect(started.parts.find((part) => part.status === 'queued')?.waitingReason).toMatch(/Waiting for queue room/)
    const job = await runJobToEnd(id)
    expect(job.lines.succeeded).toBe(40)
  })

  it('cancels: running parts are cancelled, unsent lines end cancelled, every line is accounted for', { timeout: 120_000 }, async () => {
    const file = await storeInput(30)
    // Room for one part at a time, so most of the job is still queued when it is cancelled.
    await limitBuiltin(10, { 'sim-*': Math.ceil((Number(file.estimatedInputTokens) / 3) * 1.2) })
    const { id } = await createJob({ fileId: file.id, connectionId: 'builtin', completionWindow: '24h', description: '', metadata: [], maxAttempts: 3 })
    await tickJob(id)
    await cancelJob(id)
    const job = await runJobToEnd(id)
    expect(job.status).toBe('cancelled')
    expect(job.lines.pending).toBe(0)
    expect(job.lines.succeeded + job.lines.failed).toBe(30)
    const errors = job.errorFileId ? await readJsonl(job.errorFileId) : []
    const output = job.outputFileId ? await readJsonl(job.outputFileId) : []
    expect(new Set([...errors, ...output].map((line) => line.custom_id)).size).toBe(30)
  })

  it.skipIf(testDatabaseKind() !== 'postgresql')(
    'refreshes the results statistics once a split has written its rows (PostgreSQL)',
    { timeout: 120_000 },
    async () => {
      const lastAnalyze = async () =>
        (await db.$queryRaw<{ at: Date | null }[]>`SELECT last_analyze AS "at" FROM pg_stat_user_tables WHERE relname = 'ResultRow'`)[0]?.at ?? null
      const before = await lastAnalyze()
      const file = await storeInput(1_200)
      const { id } = await createJob({ fileId: file.id, connectionId: 'builtin', completionWindow: '24h', description: '', metadata: [], maxAttempts: 1 })
      // No part may run (its index would ANALYZE too): only the split's rows are behind the refresh.
      await engine.pause()
      try {
        await tickJob(id)
        expect(await db.resultRow.count({ where: { batchId: id } })).toBe(1_200)
        const after = await lastAnalyze()
        expect(after).not.toBeNull()
        if (before) expect(after!.getTime()).toBeGreaterThan(before.getTime())
      } finally {
        engine.resume()
      }
      await cancelJob(id)
      expect((await runJobToEnd(id)).status).toBe('cancelled')
    },
  )
})
