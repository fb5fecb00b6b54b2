import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/server/db'
import { Prisma } from '@/lib/server/db/generated/client'
import { ingestFile } from '@/lib/server/files/ingest'
import { cancelJob, createJob, requestJobTick, tickJob } from '@/lib/server/jobs'
import { chatLine } from '@/tests/support/batch-files'
import { useEngineWithSimulator, waitFor } from '@/tests/support/engine'
import { runJobToEnd } from '@/tests/support/jobs'

async function storeInput(count: number) {
  const text = Array.from({ length: count }, (_, index) => chatLine({ customId: `r-${index + 1}`, model: 'sim-chat', content: `race ${index + 1}` }))
  const temp = path.join(os.tmpdir(), `races-${Date.now()}-${Math.random()}.jsonl`)
  writeFileSync(temp, `${text.join('\n')}\n`)
  return (await ingestFile(temp, { filename: 'races.jsonl', rejectInvalid: true, reuseDuplicate: false })).file
}

describe('job races', () => {
  useEngineWithSimulator()

  it('a cancel clicked while the input is being split is not undone when the split ends', { timeout: 180_000 }, async () => {
    // Parts of 20 lines: the split commits many parts, so there is time to click Cancel between two of them.
    await db.connection.update({ where: { id: 'builtin' }, data: { maxRequestsPerBatch: 20, enqueuedTokenLimits: Prisma.DbNull } })
    const file = await storeInput(4_000)
    const { id } = await createJob({ fileId: file.id, connectionId: 'builtin', completionWindow: '24h', description: '', metadata: [], maxAttempts: 3 })
    const tick = tickJob(id)
    await waitFor(
      () => db.job.findUniqueOrThrow({ where: { id } }),
      (job) => job.splitLines > 0,
      60_000,
      5,
    )
    expect((await db.job.findUniqueOrThrow({ where: { id } })).status).toBe('splitting')
    await cancelJob(id)
    await tick
    expect((await db.job.findUniqueOrThrow({ where: { id } })).status).toMatch(/^cancell(ing|ed)$/)
    const job = await runJobToEnd(id, 120_000)
    expect(job.status).toBe('cancelled')
    expect(job.lines.pending).toBe(0)
    expect(job.lines.succeeded + job.lines.failed).toBe(4_000)
  })

  it('a wake leaves a job another look has claimed alone, so two processes never tick it at once', async () => {
    const file = await storeInput(3)
    const { id } = await createJob({ fileId: file.id, connectionId: 'builtin', completionWindow: '24h', description: '', metadata: [], maxAttempts: 3 })
    const claimedUntil = new Date(Date.now() + 2 * 60_000)
    await db.job.update({ where: { id }, data: { nextTickAt: claimedUntil } })
    await requestJobTick(id)
    expect((await db.job.findUniqueOrThrow({ where: { id } })).nextTickAt).toEqual(claimedUntil)

    // Between looks (the next one at most a few seconds away) a wake makes it due at once.
    await db.job.update({ where: { id }, data: { nextTickAt: new Date(Date.now() + 4_000) } })
    await requestJobTick(id)
    expect((await db.job.findUniqueOrThrow({ where: { id } })).nextTickAt.getTime()).toBeLessThanOrEqual(Date.now())
  })
})
