import 'server-only'
import { rm } from 'node:fs/promises'
import type { Job } from '@/lib/server/db/generated/client'
import { db } from '@/lib/server/db'
import { newFileId, newJobPartId, newSubmitKey } from '@/lib/server/ids'
import { fromStoragePath, jobPartPath, toStoragePath } from '@/lib/server/storage'
import { addJobPartToSearch } from '@/lib/server/results/search'
import { parseSplitLimits, splitIntoParts, type SplitPart } from './split'
import { CLAIM_MS } from './wake'

// Pending rows go in with the part that holds them, in slices small enough for one statement's parameters.
const ROWS_PER_INSERT = 2_000

/**
 * Records a written part in one transaction: its input File (so createBatch runs it like any upload), the JobPart, and
 * the lines' rows (new pending rows for a first split; the retried rows moved onto the part for a retry round), with
 * the job's resume point. Nothing is half-written: a crash before the commit leaves only a part file that the next
 * split overwrites.
 */
async function commitPart(job: Job, part: SplitPart, seq: number, round: number, resume: { splitLines: number; splitOffset: bigint } | null) {
  const partId = newJobPartId()
  const fileId = newFileId()
  await db.$transaction(async (tx) => {
    await tx.file.create({
      data: {
        id: fileId,
        filename: `${job.id}.part-${seq}.jsonl`,
        purpose: 'batch',
        bytes: BigInt(part.bytes),
        sha256: part.sha256,
        storagePath: toStoragePath(part.path),
        lineCount: part.lines.length,
        endpoint: job.endpoint,
        model: job.model,
        estimatedInputTokens: BigInt(part.estimatedTokens),
        outputTokenCapTotal: BigInt(part.outputTokenCapTotal),
        outputTokenCapMissing: part.outputTokenCapMissing,
        validationErrorCount: 0,
      },
    })
    await tx.jobPart.create({
      data: {
        id: partId,
        jobId: job.id,
        seq,
        round,
        fileId,
        lineCount: part.lines.length,
        bytes: BigInt(part.bytes),
        estimatedTokens: BigInt(part.estimatedTokens),
        submitKey: newSubmitKey(),
      },
    })
    if (round === 1) {
      for (let start = 0; start < part.lines.length; start += ROWS_PER_INSERT) {
        await tx.resultRow.createMany({
          data: part.lines.slice(start, start + ROWS_PER_INSERT).map((line) => ({
            batchId: job.id,
            line: line.line,
            customId: line.customId,
            status: 'pending',
            inputOffset: BigInt(line.offset),
            inputLength: line.length,
            jobPartId: partId,
          })),
        })
      }
      // Full-text search holds every row outside an index being built (the delete trigger relies on it).
      await addJobPartToSearch(tx, job.id, partId)
    } else {
      for (let start = 0; start < part.lines.length; start += ROWS_PER_INSERT) {
        const lines = part.lines.slice(start, start + ROWS_PER_INSERT).map((line) => line.line)
        await tx.resultRow.updateMany({ where: { batchId: job.id, line: { in: lines } }, data: { jobPartId: partId } })
      }
    }
    // Each commit also renews the job's claim, so a long split is never taken over by another process.
    await tx.job.update({
      where: { id: job.id },
      data: { ...(resume ? { ...resume, lineCount: resume.splitLines } : {}), nextTickAt: new Date(Date.now() + CLAIM_MS) },
    })
  })
}

const nextSeq = async (jobId: string) => ((await db.jobPart.aggregate({ where: { jobId }, _max: { seq: true } }))._max.seq ?? 0) + 1

async function inputPathOf(job: Job): Promise<string> {
  const file = job.inputFileId ? await db.file.findUnique({ where: { id: job.inputFileId }, select: { storagePath: true } }) : null
  if (!file?.storagePath) throw new Error('The job’s input file is no longer in Batchboard, so its lines cannot be sent.')
  return fromStoragePath(file.storagePath)
}

/** Splits the rest of a job's input into parts (all of it, or from where a crash stopped it). */
export async function splitJobInput(job: Job): Promise<void> {
  let seq = await nextSeq(job.id)
  const first = seq
  const parts = splitIntoParts(await inputPathOf(job), {
    limits: parseSplitLimits(job.limits),
    endpoint: job.endpoint,
    model: job.model,
    from: { offset: Number(job.splitOffset), index: job.splitLines },
    partPath: (n) => jobPartPath(job.id, first + n - 1),
  })
  for await (const part of parts) {
    await commitPart(job, part, seq++, 1, { splitLines: part.next.index, splitOffset: BigInt(part.next.offset) })
  }
}

/** Writes the lines waiting for another attempt into new parts (round = the highest attempt among them + 1). */
export async function splitRetryLines(job: Job, lines: number[], round: number): Promise<number> {
  if (lines.length === 0) return 0
  const wanted = new Set(lines)
  let seq = await nextSeq(job.id)
  const first = seq
  const parts = splitIntoParts(await inputPathOf(job), {
    limits: parseSplitLimits(job.limits),
    endpoint: job.endpoint,
    model: job.model,
    only: (line) => wanted.has(line),
    partPath: (n) => jobPartPath(job.id, first + n - 1),
  })
  let made = 0
  try {
    for await (const part of parts) {
      await commitPart(job, part, seq++, round, null)
      made++
    }
  } catch (error) {
    // A retry split that failed half-way is redone whole from the rows next time; drop the part file it left.
    await rm(jobPartPath(job.id, seq), { force: true })
    throw error
  }
  return made
}
