import 'server-only'
import { rm } from 'node:fs/promises'
import { setImmediate } from 'node:timers/promises'
import { Prisma, type Job } from '@/lib/server/db/generated/client'
import { db } from '@/lib/server/db'
import { collectWhenGrown } from '@/lib/server/idle-gc'
import { jsonArrayElements } from '@/lib/server/db/dialect'
import { newFileId, newJobPartId, newSubmitKey } from '@/lib/server/ids'
import { fromStoragePath, jobPartPath, toStoragePath } from '@/lib/server/storage'
import { addJobLinesToSearch, addJobPartToSearch } from '@/lib/server/results/search'
import { readLocatedLines } from '@/lib/workers/located-lines'
import type { PartLine } from '@/lib/workers/split-part'
import { fillingPartLimits, parseSplitLimits, splitIntoParts, type SplitLimits, type SplitPart } from './split'
import { CLAIM_MS } from './wake'

// Cancelled rows go in a few hundred to a statement (8 parameters a row, far below SQLite's 32,766 and PostgreSQL's
// 65,535). Prisma's createMany with thousands of rows held the whole batch as query objects several times over
// (issue 15: 944 MB grown over a 1,000,000-line split).
const ROWS_PER_INSERT = 500

/**
 * The part's lines as new pending rows of the job, made searchable: one INSERT per chunk of the rows the worker made
 * (PART_ROWS_PER_CHUNK rows as one JSON parameter, unpacked by the database), and a turn of the event loop between
 * chunks. Rows as thousands of bound parameters cost the server thread about 1 s and 50 MB of garbage a 50,000-line
 * part in the Prisma client's handling of them, all in one stall (decision 062).
 */
async function insertPendingRows(tx: Pick<typeof db, '$executeRaw'>, jobId: string, partId: string, rows: readonly string[]): Promise<void> {
  for (const chunk of rows) {
    await tx.$executeRaw`INSERT INTO "ResultRow" ("batchId", "line", "customId", "status", "inputOffset", "inputLength", "jobPartId")
      SELECT ${jobId}, ${rowField(0, 'INTEGER')}, ${rowField(1, 'TEXT')}, 'pending', ${rowField(2, 'BIGINT')}, ${rowField(3, 'INTEGER')}, ${partId}
      FROM ${jsonArrayElements(chunk, 'r')}`
    // Full-text search holds every row outside an index being built (the delete trigger relies on it).
    await addJobPartToSearch(tx, jobId, partId, Prisma.sql`SELECT ${rowField(0, 'INTEGER')} FROM ${jsonArrayElements(chunk, 'r')}`)
    await setImmediate()
  }
}

/** The retried lines of `rows` moved onto the part that sends them again, a chunk a statement. */
async function moveRowsToPart(tx: Pick<typeof db, '$executeRaw'>, jobId: string, partId: string, rows: readonly string[]): Promise<void> {
  for (const chunk of rows) {
    await tx.$executeRaw`UPDATE "ResultRow" SET "jobPartId" = ${partId}
      WHERE "batchId" = ${jobId} AND "line" IN (SELECT ${rowField(0, 'INTEGER')} FROM ${jsonArrayElements(chunk, 'r')})`
    await setImmediate()
  }
}

/** Field `index` of a PartRow element `r` of jsonArrayElements (SQLite 3.38+ and PostgreSQL both read `->>` by index). */
const rowField = (index: number, type: 'INTEGER' | 'BIGINT' | 'TEXT') => Prisma.raw(`CAST(r."value" ->> ${index} AS ${type})`)

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
        lineCount: part.lineCount,
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
        lineCount: part.lineCount,
        bytes: BigInt(part.bytes),
        estimatedTokens: BigInt(part.estimatedTokens),
        submitKey: newSubmitKey(),
      },
    })
    if (round === 1) await insertPendingRows(tx, job.id, partId, part.rows)
    else await moveRowsToPart(tx, job.id, partId, part.rows)
    // Each commit also renews the job's claim, so a long split is never taken over by another process.
    await tx.job.update({
      where: { id: job.id },
      data: { ...(resume ? { ...resume, lineCount: resume.splitLines } : {}), nextTickAt: new Date(Date.now() + CLAIM_MS) },
    })
  })
}

const nextSeq = async (jobId: string) => ((await db.jobPart.aggregate({ where: { jobId }, _max: { seq: true } }))._max.seq ?? 0) + 1

/** The job's input file on disk, and the limits its parts are cut by (fillingPartLimits: whole parts fill the queue). */
async function inputOf(job: Job): Promise<{ path: string; limits: SplitLimits }> {
  const file = job.inputFileId
    ? await db.file.findUnique({ where: { id: job.inputFileId }, select: { storagePath: true, lineCount: true, bytes: true, estimatedInputTokens: true } })
    : null
  if (!file?.storagePath) throw new Error('The job’s input file is no longer in Batchboard, so its lines cannot be sent.')
  const limits = fillingPartLimits(parseSplitLimits(job.limits), {
    lines: file.lineCount ?? 0,
    bytes: Number(file.bytes),
    estimatedTokens: Number(file.estimatedInputTokens ?? 0),
  })
  return { path: fromStoragePath(file.storagePath), limits }
}

/** Splits the rest of a job's input into parts (all of it, or from where a crash stopped it). */
export async function splitJobInput(job: Job): Promise<void> {
  let seq = await nextSeq(job.id)
  const first = seq
  const input = await inputOf(job)
  const collectGarbage = collectWhenGrown()
  const parts = splitIntoParts(input.path, {
    limits: input.limits,
    endpoint: job.endpoint,
    model: job.model,
    from: { offset: Number(job.splitOffset), index: job.splitLines },
    partPath: (n) => jobPartPath(job.id, first + n - 1),
  })
  for await (const part of parts) {
    await commitPart(job, part, seq++, 1, { splitLines: part.next.index, splitOffset: BigInt(part.next.offset) })
    // The commit (its WAL write and fsync) ran on this thread: let requests in before any collection.
    await setImmediate()
    collectGarbage()
    // A cancel clicked while splitting stops it here: the rest is never sent, so it is not cut into parts either.
    const now = await db.job.findUnique({ where: { id: job.id }, select: { status: true } })
    if (now?.status !== 'splitting') return
  }
}

const CANCELLED_BEFORE_SPLIT = 'The job was cancelled before this line was split into a part.'

/**
 * A job cancelled before its split finished (clicked mid-split, or the split was stopped by a crash and the job
 * cancelled before it resumed): the lines never split get their rows too, cancelled (`batch_cancelled`), so the job's
 * results and error file account for every input line, as a cancelled batch's do. Streamed from the resume point in
 * slices, each committed with the resume point moved past it, so a crash here resumes too.
 */
export async function cancelUnsplitLines(job: Job): Promise<number> {
  const current = await db.job.findUniqueOrThrow({ where: { id: job.id } })
  const input = await inputOf(current)
  let slice: PartLine[] = []
  let made = 0
  const commit = async (next: { offset: number; index: number }) => {
    const values = slice.map(
      (line) =>
        Prisma.sql`(${job.id}, ${line.line}, ${line.customId}, 'cancelled', ${BigInt(line.offset)}, ${line.length}, 'batch_cancelled', ${CANCELLED_BEFORE_SPLIT})`,
    )
    const [from, to] = [slice[0]!.line, slice.at(-1)!.line]
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO "ResultRow" ("batchId", "line", "customId", "status", "inputOffset", "inputLength", "errorCode", "errorMessage") VALUES ${Prisma.join(values)}`
      await addJobLinesToSearch(tx, job.id, from, to)
      await tx.job.update({
        where: { id: job.id },
        data: { splitLines: next.index, splitOffset: BigInt(next.offset), lineCount: next.index, nextTickAt: new Date(Date.now() + CLAIM_MS) },
      })
    })
    made += slice.length
    slice = []
  }
  for await (const located of readLocatedLines(input.path, { offset: Number(current.splitOffset), index: current.splitLines })) {
    const request = JSON.parse(located.text) as { custom_id?: unknown }
    slice.push({ line: located.index + 1, customId: String(request.custom_id), offset: located.offset, length: located.length })
    if (slice.length === ROWS_PER_INSERT) await commit({ offset: located.offset + located.length + 1, index: located.index + 1 })
  }
  if (slice.length > 0) {
    const last = slice.at(-1)!
    await commit({ offset: last.offset + last.length + 1, index: last.line })
  }
  return made
}

/** Writes the lines waiting for another attempt (ascending) into new parts (round = the highest attempt among them + 1). */
export async function splitRetryLines(job: Job, lines: number[], round: number): Promise<number> {
  if (lines.length === 0) return 0
  let seq = await nextSeq(job.id)
  const first = seq
  const input = await inputOf(job)
  const parts = splitIntoParts(input.path, {
    limits: input.limits,
    endpoint: job.endpoint,
    model: job.model,
    only: lines,
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
