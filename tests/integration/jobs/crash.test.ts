import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/server/db'
import { ingestFile } from '@/lib/server/files/ingest'
import { cancelJob, createJob, getJob, tickJob } from '@/lib/server/jobs'
import { fromStoragePath, storageDirs } from '@/lib/server/storage'
import { chatLine } from '@/tests/support/batch-files'
import { parseResultLines, useEngineWithSimulator, waitFor } from '@/tests/support/engine'
import { exited, startWorker } from '@/tests/support/worker'

const LINES = 2_000

async function storeInput() {
  const text = Array.from({ length: LINES }, (_, index) => chatLine({ customId: `q-${index + 1}`, model: 'sim-chat', content: `question ${index + 1}` })).join(
    '\n',
  )
  const temp = path.join(os.tmpdir(), `jobs-crash-${Date.now()}.jsonl`)
  writeFileSync(temp, `${text}\n`)
  return (await ingestFile(temp, { filename: 'crash.jsonl', rejectInvalid: true, reuseDuplicate: false })).file
}

/** A job on the builtin connection (parts of 25) whose splitting worker is killed with SIGKILL a few parts in. */
async function killWorkerMidSplit() {
  await db.connection.update({ where: { id: 'builtin' }, data: { maxRequestsPerBatch: 25 } })
  const file = await storeInput()
  // The worker's engine is off: only its job loop (splitting) is under test; this process runs the batches.
  const worker = await startWorker({ BATCHBOARD_ENGINE: 'off' })
  const { id } = await createJob({ fileId: file.id, connectionId: 'builtin', completionWindow: '24h', description: '', metadata: [], maxAttempts: 3 })
  await waitFor(
    () => db.job.findUniqueOrThrow({ where: { id } }),
    (job) => job.splitLines >= 250,
    60_000,
    5,
  )
  worker.kill('SIGKILL')
  await exited(worker)
  return { id, atKill: await db.job.findUniqueOrThrow({ where: { id } }) }
}

describe('a process killed with SIGKILL while it splits a job', () => {
  useEngineWithSimulator()

  it('loses no line and makes no part twice: another process resumes the split where the last committed part ended', { timeout: 180_000 }, async () => {
    const { id, atKill } = await killWorkerMidSplit()
    expect(atKill.status).toBe('splitting')
    expect(atKill.splitLines).toBeLessThan(LINES)

    const job = await waitFor(
      async () => {
        await tickJob(id)
        return getJob(id)
      },
      (current) => current.status === 'completed',
      150_000,
      200,
    )
    expect(job.lines).toMatchObject({ total: LINES, succeeded: LINES, failed: 0 })
    const seqs = job.parts.map((part) => part.seq)
    expect(seqs).toEqual(Array.from({ length: LINES / 25 }, (_, index) => index + 1))
    expect(job.parts.every((part) => part.lineCount === 25)).toBe(true)
    // One file per part (no leftover half-written part), plus the job's output file.
    const files = readdirSync(path.join(storageDirs.jobs, id)).sort()
    expect(files.filter((name) => name.startsWith('part-'))).toHaveLength(LINES / 25)
    expect(files.some((name) => name.endsWith('.part'))).toBe(false)
    const output = await db.file.findUniqueOrThrow({ where: { id: job.outputFileId! } })
    const ids = parseResultLines(readFileSync(fromStoragePath(output.storagePath!), 'utf8')).map((line) => line.custom_id)
    expect(ids).toEqual(Array.from({ length: LINES }, (_, index) => `q-${index + 1}`))
  })

  it(
    'accounts for every line of a job cancelled after a crash stopped its split: the lines never split end batch_cancelled',
    { timeout: 180_000 },
    async () => {
      const { id, atKill } = await killWorkerMidSplit()
      expect(atKill.splitLines).toBeLessThan(LINES)
      await cancelJob(id)

      const job = await waitFor(
        async () => {
          await tickJob(id)
          return getJob(id)
        },
        (current) => current.status === 'cancelled',
        150_000,
        200,
      )
      // Nothing was sent: every line is cancelled, the split ones with their parts, the rest without.
      expect(job.lines).toEqual({ total: LINES, succeeded: 0, failed: LINES, pending: 0 })
      expect(job.parts.every((part) => part.batchId === null)).toBe(true)
      expect(job.splitLines).toBe(LINES)
      const rows = await db.resultRow.findMany({
        where: { batchId: id },
        select: { line: true, customId: true, status: true, errorCode: true },
        orderBy: { line: 'asc' },
      })
      expect(rows.map((row) => row.customId)).toEqual(Array.from({ length: LINES }, (_, index) => `q-${index + 1}`))
      expect(rows.every((row) => row.status === 'cancelled' && row.errorCode === 'batch_cancelled')).toBe(true)
      const errors = parseResultLines(
        readFileSync(fromStoragePath((await db.file.findUniqueOrThrow({ where: { id: job.errorFileId! } })).storagePath!), 'utf8'),
      )
      expect(errors.map((line) => line.custom_id)).toEqual(Array.from({ length: LINES }, (_, index) => `q-${index + 1}`))
      expect(errors.every((line) => line.error?.code === 'batch_cancelled')).toBe(true)
      // Full-text search holds the rows that never had a part too: its delete trigger fails on a row it never saw.
      await expect(db.resultRow.deleteMany({ where: { batchId: id } })).resolves.toEqual({ count: LINES })
    },
  )
})
