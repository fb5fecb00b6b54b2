import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import os from 'node:os'
import path from 'node:path'
import { finished } from 'node:stream/promises'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/server/db'
import { Prisma } from '@/lib/server/db/generated/client'
import { createBatch } from '@/lib/server/batches'
import { ingestFile } from '@/lib/server/files/ingest'
import { createJob } from '@/lib/server/jobs'
import { chatLine } from '@/tests/support/batch-files'
import { useEngineWithSimulator } from '@/tests/support/engine'
import { readJsonl, runJobToEnd } from '@/tests/support/jobs'

/** Writes `count` chat lines to a temp file, streaming (the file is never one string); `broken` lines are not JSON. */
async function writeInput(count: number, broken: ReadonlySet<number> = new Set()): Promise<string> {
  const temp = path.join(os.tmpdir(), `oversize-${Date.now()}-${Math.random()}.jsonl`)
  const out = createWriteStream(temp)
  for (let line = 1; line <= count; line++) {
    const text = broken.has(line) ? '{"custom_id": oops' : chatLine({ customId: `q-${line}`, model: 'sim-chat', content: `question ${line}` })
    if (!out.write(`${text}\n`)) await once(out, 'drain')
  }
  out.end()
  await finished(out)
  return temp
}

describe('inputs over one batch’s limit', () => {
  useEngineWithSimulator()

  it(
    'are kept by the dashboard upload, refused as a single batch with a pointer to jobs, and run as a job of 50,000 / 50,000 / 20,000',
    { timeout: 600_000 },
    async () => {
      await db.connection.update({ where: { id: 'builtin' }, data: { maxRequestsPerBatch: null, enqueuedTokenLimits: Prisma.DbNull } })
      const { file, report } = await ingestFile(await writeInput(120_000), { filename: 'big.jsonl', rejectInvalid: true, reuseDuplicate: false })
      // Over one batch's limit is a finding, not an error that stops the file.
      expect(report.ok).toBe(false)
      expect(report.blockingErrorCount).toBe(0)
      expect(report.errors).toEqual([expect.objectContaining({ code: 'too_many_requests', line: null })])
      expect(file).toMatchObject({ lineCount: 120_000, validationErrorCount: 0 })

      await expect(createBatch({ fileId: file.id, connectionId: 'builtin', completionWindow: '24h', description: '', metadata: [] })).rejects.toMatchObject({
        status: 400,
        code: 'over_batch_limit',
        message:
          'big.jsonl has 120,000 requests, more than the 50,000 one batch may hold on this connection. Run it as a job, which splits it into batches that fit.',
      })
      expect(await db.batch.count({ where: { inputFileId: file.id } })).toBe(0)

      const { id } = await createJob({ fileId: file.id, connectionId: 'builtin', completionWindow: '24h', description: 'big', metadata: [], maxAttempts: 3 })
      const job = await runJobToEnd(id, 540_000, 250)
      expect(job.status).toBe('completed')
      expect(job.parts.map((part) => part.lineCount)).toEqual([50_000, 50_000, 20_000])
      expect(job.lines).toEqual({ total: 120_000, succeeded: 120_000, failed: 0, pending: 0 })
      const output = await readJsonl(job.outputFileId!)
      expect(output.map((line) => line.custom_id)).toEqual(Array.from({ length: 120_000 }, (_, index) => `q-${index + 1}`))
    },
  )

  it('with real line errors are refused at upload, naming the first line error rather than the size', { timeout: 120_000 }, async () => {
    const temp = await writeInput(50_002, new Set([7, 9]))
    await expect(ingestFile(temp, { filename: 'broken.jsonl', rejectInvalid: true, reuseDuplicate: false })).rejects.toMatchObject({
      status: 422,
      code: 'invalid_file',
      details: { line: 7 },
      message: expect.stringMatching(/^The file has 2 errors \(first, line 7: This line is not parseable as valid JSON/),
    })
  })

  it('are refused by createJob only for errors that stop any run (a /v1 upload keeps both kinds, as OpenAI does)', { timeout: 120_000 }, async () => {
    const broken = await ingestFile(await writeInput(50_001, new Set([3])), { filename: 'v1-broken.jsonl', rejectInvalid: false, reuseDuplicate: false })
    expect(broken.report.errorCount).toBe(2)
    expect(broken.file.validationErrorCount).toBe(1)
    await expect(
      createJob({ fileId: broken.file.id, connectionId: 'builtin', completionWindow: '24h', description: '', metadata: [], maxAttempts: 3 }),
    ).rejects.toMatchObject({ status: 400, code: 'invalid_file' })

    const big = await ingestFile(await writeInput(50_001), { filename: 'v1-big.jsonl', rejectInvalid: false, reuseDuplicate: false })
    expect(big.file.validationErrorCount).toBe(0)
    const { id } = await createJob({ fileId: big.file.id, connectionId: 'builtin', completionWindow: '24h', description: '', metadata: [], maxAttempts: 3 })
    expect(await db.job.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'splitting', lineCount: 50_001 })
  })

  it(
    'stored before over-the-limit was a finding (its count held the limit error) are judged again by createJob, not refused',
    { timeout: 120_000 },
    async () => {
      const old = await ingestFile(await writeInput(50_001), { filename: 'stored-earlier.jsonl', rejectInvalid: false, reuseDuplicate: false })
      // What the upload stored before decision 050: the too_many_requests finding counted as an error.
      await db.file.update({ where: { id: old.file.id }, data: { validationErrorCount: 1 } })
      const { id } = await createJob({ fileId: old.file.id, connectionId: 'builtin', completionWindow: '24h', description: '', metadata: [], maxAttempts: 3 })
      expect(await db.job.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'splitting', lineCount: 50_001 })
      expect((await db.file.findUniqueOrThrow({ where: { id: old.file.id } })).validationErrorCount).toBe(0)

      // One with a real error besides, stored the old way (2): refused, and its count corrected to the real one.
      const broken = await ingestFile(await writeInput(50_001, new Set([3])), {
        filename: 'stored-earlier-broken.jsonl',
        rejectInvalid: false,
        reuseDuplicate: false,
      })
      await db.file.update({ where: { id: broken.file.id }, data: { validationErrorCount: 2 } })
      await expect(
        createJob({ fileId: broken.file.id, connectionId: 'builtin', completionWindow: '24h', description: '', metadata: [], maxAttempts: 3 }),
      ).rejects.toMatchObject({ status: 400, code: 'invalid_file' })
      expect((await db.file.findUniqueOrThrow({ where: { id: broken.file.id } })).validationErrorCount).toBe(1)
    },
  )
})
