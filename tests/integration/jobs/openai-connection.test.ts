import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

// The /v1 this process serves plays OpenAI with its enqueued-token limit: room for about three parts at a time. Slow
// answers (6 s, all lines of a part at once) keep each part running while the next ones are created, so they meet a
// full queue.
const LINES = 180
const PER_PART = 20
vi.hoisted(() => {
  process.env.BATCHBOARD_V1_LIMITS = JSON.stringify({ enqueuedTokens: { 'sim-*': 850 } })
  process.env.BATCHBOARD_SIMULATOR_LATENCY_MS = '6000'
})

import { saveUpstream, startSimulator, type Simulator } from '@/lib/server/engine'
import { startSync } from '@/lib/server/connections/sync'
import { db } from '@/lib/server/db'
import { ingestFile } from '@/lib/server/files/ingest'
import { createJob } from '@/lib/server/jobs'
import { chatLine } from '@/tests/support/batch-files'
import { useEngineWithSimulator } from '@/tests/support/engine'
import { readJsonl, runJobToEnd, saveV1Connection } from '@/tests/support/jobs'
import { startV1Server } from '@/tests/support/v1-server'

const FAIL_ONCE = new Set([5, 64, 177])
let v1: Awaited<ReturnType<typeof startV1Server>>
let sync: ReturnType<typeof startSync>
let connectionId: string
let wide: Simulator

async function storeInput() {
  // Every line the same length, so every part's estimate is the same and about three fit under the limit.
  const text = Array.from({ length: LINES }, (_, index) => {
    const line = index + 1
    return chatLine({
      customId: `q-${line}`,
      model: 'sim-chat',
      content: `question ${String(line).padStart(4, '0')}${FAIL_ONCE.has(line) ? ' [sim:fail-once]' : ' please now'}`,
    })
  }).join('\n')
  const temp = path.join(os.tmpdir(), `jobs-openai-${Date.now()}-${Math.random()}.jsonl`)
  writeFileSync(temp, `${text}\n`)
  return (await ingestFile(temp, { filename: 'limited.jsonl', rejectInvalid: true, reuseDuplicate: false })).file
}

describe('a job on an openai connection whose provider enforces an enqueued-token limit', () => {
  useEngineWithSimulator()

  beforeAll(async () => {
    v1 = await startV1Server()
    // Every line of every running part in flight at once: a part takes one answer's time, however many run.
    const simulator = await startSimulator()
    wide = simulator
    await saveUpstream({ name: 'sim', baseUrl: simulator.url, models: ['sim-*'], maxConcurrency: 200, timeoutMs: 20_000 })
    sync = startSync({ pollMs: 40, minMs: 40, maxMs: 200 })
    // Parts of 20 requests; no enqueued-token limit on this side, so the provider's refusals are what the job meets.
    connectionId = await saveV1Connection('Limited OpenAI', v1.baseURL, PER_PART)
  })

  afterAll(async () => {
    await sync.stop()
    await v1.close()
    await wide.close()
  })

  it(
    'resubmits parts refused with token_limit_exceeded without spending line attempts, retries failed lines, and outputs each line once in order',
    { timeout: 240_000 },
    async () => {
      const file = await storeInput()
      const partTokens = (Number(file.estimatedInputTokens) / LINES) * PER_PART
      // The limit is meant to hold about three parts: more and nothing is refused, fewer and nothing overlaps.
      expect(850 / partTokens).toBeGreaterThan(2.5)
      expect(850 / partTokens).toBeLessThan(4)

      const { id } = await createJob({ fileId: file.id, connectionId, completionWindow: '24h', description: 'limited', metadata: [], maxAttempts: 3 })
      const job = await runJobToEnd(id, 200_000, 200)

      expect(job.status).toBe('completed')
      expect(job.lines).toEqual({ total: LINES, succeeded: LINES, failed: 0, pending: 0 })
      expect(job.parts.filter((part) => part.round === 1)).toHaveLength(LINES / PER_PART)
      // The provider's queue refused some parts; each went again under a new key, as queue attempts.
      expect(job.parts.some((part) => part.queueAttempts > 0)).toBe(true)
      const refused = await db.batch.findMany({ where: { jobId: id, status: 'failed' } })
      expect(refused.length).toBeGreaterThan(0)
      expect(refused.every((batch) => JSON.stringify(batch.errors).includes('token_limit_exceeded'))).toBe(true)
      // Refusals cost no line an attempt: the fail-once lines ran twice, every other line once.
      const rows = await db.resultRow.findMany({ where: { batchId: id }, select: { customId: true, attempts: true }, orderBy: { line: 'asc' } })
      expect(rows.filter((row) => row.attempts !== 1).map((row) => `${row.customId}:${row.attempts}`)).toEqual(['q-5:2', 'q-64:2', 'q-177:2'])
      const retries = job.parts.filter((part) => part.round > 1)
      expect(retries.reduce((sum, part) => sum + part.lineCount, 0)).toBe(FAIL_ONCE.size)

      // Every custom_id exactly once in the job's output file, in input order.
      const ids = (await readJsonl(job.outputFileId!)).map((line) => line.custom_id)
      expect(ids).toEqual(Array.from({ length: LINES }, (_, index) => `q-${index + 1}`))
      expect(job.errorFileId).toBeNull()
      // The provider's answers came from its simulator (system_fingerprint / simulated marker): simulated and free, as a
      // single batch's cost reads them, not "No price for sim-chat".
      expect(job.cost).toEqual({ status: 'simulated' })
      // On the provider (the builtin engine behind /v1), each part key names exactly one batch.
      const upstream = await db.batch.findMany({ where: { connectionId: 'builtin' }, select: { metadata: true } })
      const keys = upstream.map((batch) => (batch.metadata as Record<string, string> | null)?.batchboard_part).filter((key) => key !== undefined)
      expect(new Set(keys).size).toBe(keys.length)
      const succeededParts = job.parts.filter((part) => part.batchId !== null)
      expect(keys.length).toBeGreaterThanOrEqual(succeededParts.length + refused.length)
    },
  )
})
