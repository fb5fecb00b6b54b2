import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createBatch } from '@/lib/actions/batches'
import { db } from '@/lib/server/db'
import { ingestFile } from '@/lib/server/files/ingest'
import { createJob, getJob, retryJobNow, tickJob } from '@/lib/server/jobs'
import { chatFile } from '@/tests/support/batch-files'
import { useEngineWithSimulator, waitFor } from '@/tests/support/engine'
import { unwrap } from '@/tests/support/uploads'

// Set before the env module loads: the engine imposes OpenAI-like limits, as `BATCHBOARD_V1_LIMITS` does for npm start.
vi.hoisted(() => {
  process.env.BATCHBOARD_V1_LIMITS = JSON.stringify({ maxRequestsPerFile: 50, maxFileBytes: 20_000, enqueuedTokens: { 'sim-*': 1_500 } })
  process.env.BATCHBOARD_SIMULATOR_LATENCY_MS = '300'
})

async function storeFile(lines: number, content = 'a short question') {
  const temp = path.join(os.tmpdir(), `v1-limits-${Date.now()}-${Math.random()}.jsonl`)
  // A unique file whose token estimate does not vary: Math.random() prints 15 to 17 digits, a token more or less a
  // line (the tests count on 19 tokens a line: 40 lines over half the limit, 4 parts of 20 over all of it).
  writeFileSync(temp, chatFile(lines, { model: 'sim-chat', content: `${content} ${Math.random().toFixed(16)}` }))
  const { file } = await ingestFile(temp, { filename: 'limits.jsonl', rejectInvalid: true, reuseDuplicate: false })
  return file
}

const start = async (fileId: string) => unwrap(await createBatch({ fileId, connectionId: 'builtin', completionWindow: '24h' })).id

const settled = (batchId: string) =>
  waitFor(
    () => db.batch.findUniqueOrThrow({ where: { id: batchId } }),
    (batch) => batch.status !== 'validating',
  )

describe('BATCHBOARD_V1_LIMITS', () => {
  useEngineWithSimulator()

  it('fails a batch with more requests than the limit at validation, as OpenAI does', async () => {
    const batch = await settled(await start((await storeFile(51)).id))
    expect(batch).toMatchObject({ status: 'failed', requestCountTotal: 0 })
    expect(batch.errors).toEqual([expect.objectContaining({ code: 'too_many_requests', line: null, message: expect.stringContaining('maximum of 50') })])
  })

  it('fails a file over the byte limit', async () => {
    const batch = await settled(await start((await storeFile(20, 'x'.repeat(1_500))).id))
    expect(batch.errors).toEqual([expect.objectContaining({ code: 'file_too_large', line: null })])
  })

  it('fails a batch whose tokens do not fit beside the running ones with token_limit_exceeded, and runs it once they end', async () => {
    const file = await storeFile(40)
    const tokens = Number(file.estimatedInputTokens)
    expect(tokens).toBeGreaterThan(750)
    expect(tokens).toBeLessThanOrEqual(1_500)
    const first = await settled(await start(file.id))
    expect(first.status).toBe('in_progress')
    const second = await settled(await start(file.id))
    expect(second.status).toBe('failed')
    expect(second.errors).toEqual([
      {
        code: 'token_limit_exceeded',
        param: null,
        line: null,
        message: `Enqueued token limit reached for sim-chat in organization org-batchboard. Limit: 1,500 enqueued tokens. Please try again once some in_progress batches have been completed.`,
      },
    ])
    await waitFor(
      () => db.batch.findUniqueOrThrow({ where: { id: first.id } }),
      (batch) => batch.status === 'completed',
      60_000,
    )
    expect((await settled(await start(file.id))).status).toBe('in_progress')
  })

  it("a job whose parts meet token_limit_exceeded puts them back in the queue, without spending their lines' attempts", { timeout: 120_000 }, async () => {
    await db.connection.update({ where: { id: 'builtin' }, data: { maxRequestsPerBatch: 20 } })
    const file = await storeFile(80)
    const { id } = await createJob({ fileId: file.id, connectionId: 'builtin', completionWindow: '24h', description: '', metadata: [], maxAttempts: 1 })
    const job = await waitFor(
      async () => {
        await tickJob(id)
        // The refused parts wait out a backoff of 30 s; "Retry now" sends them at once.
        if ((await getJob(id)).status === 'running') await retryJobNow(id)
        return getJob(id)
      },
      (current) => current.status === 'completed',
      90_000,
      200,
    )
    expect(job.lines).toMatchObject({ total: 80, succeeded: 80, failed: 0 })
    expect(job.parts.filter((part) => part.round === 1)).toHaveLength(4)
    expect(job.parts.some((part) => part.queueAttempts > 0)).toBe(true)
    const refused = await db.batch.findMany({ where: { jobId: id, status: 'failed' } })
    expect(refused.length).toBeGreaterThan(0)
    expect(refused.every((batch) => JSON.stringify(batch.errors).includes('token_limit_exceeded'))).toBe(true)
  })
})
