import 'server-only'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { once } from 'node:events'
import path from 'node:path'
import { finished } from 'node:stream/promises'
import type { Job } from '@/lib/server/db/generated/client'
import { db } from '@/lib/server/db'
import { newFileId } from '@/lib/server/ids'
import { OffsetReader } from '@/lib/workers/offset-reader'
import { fromStoragePath, storageDirs, toStoragePath } from '@/lib/server/storage'

const PAGE_ROWS = 2_000

type Row = {
  line: number | null
  customId: string
  status: string
  errorCode: string | null
  errorMessage: string | null
  resultFileId: string | null
  resultOffset: bigint | null
  resultLength: number | null
}

/** A line for the error file where no batch wrote one (a part that failed whole, lines never sent): OpenAI's shape. */
const syntheticErrorLine = (jobId: string, row: Row) =>
  JSON.stringify({
    id: `batch_req_${jobId}_${row.line ?? 0}`,
    custom_id: row.customId,
    response: null,
    error: {
      code: row.errorCode ?? (row.status === 'missing' ? 'missing_result' : 'batch_failed'),
      message: row.errorMessage ?? 'No result came back for this line.',
    },
  })

class JsonlFile {
  readonly final: string
  private readonly temp: string
  private readonly out
  bytes = 0

  constructor(file: string) {
    this.final = file
    this.temp = `${file}.part`
    this.out = createWriteStream(this.temp, { flush: true })
    this.out.on('error', () => {})
  }

  async write(line: string) {
    if (this.out.errored) throw this.out.errored
    const chunk = `${line}\n`
    this.bytes += Buffer.byteLength(chunk)
    if (!this.out.write(chunk)) await once(this.out, 'drain')
  }

  async finish(): Promise<void> {
    this.out.end()
    await finished(this.out)
    await rename(this.temp, this.final)
  }

  async discard(): Promise<void> {
    this.out.destroy()
    await rm(this.temp, { force: true })
  }
}

/**
 * The job's results as if it had been one batch: one OpenAI-format output file (every line's final success) and one
 * error file (every final failure), both in input order, each line copied byte for byte from the part batch that
 * answered it. Written aside and renamed, then recorded as Files on the job.
 */
export async function writeJobResultFiles(job: Job): Promise<void> {
  const dir = path.join(storageDirs.jobs, job.id)
  await mkdir(dir, { recursive: true })
  const output = new JsonlFile(path.join(dir, `${job.id}_output.jsonl`))
  const errors = new JsonlFile(path.join(dir, `${job.id}_error.jsonl`))
  const reader = new OffsetReader()
  const filePaths = new Map<string, string | null>()
  const pathOf = async (fileId: string) => {
    if (!filePaths.has(fileId)) {
      const file = await db.file.findUnique({ where: { id: fileId }, select: { storagePath: true } })
      filePaths.set(fileId, file?.storagePath ? fromStoragePath(file.storagePath) : null)
    }
    return filePaths.get(fileId) ?? null
  }
  try {
    let afterLine = 0
    for (;;) {
      const rows: Row[] = await db.resultRow.findMany({
        where: { batchId: job.id, line: { gt: afterLine } },
        orderBy: { line: 'asc' },
        take: PAGE_ROWS,
        select: { line: true, customId: true, status: true, errorCode: true, errorMessage: true, resultFileId: true, resultOffset: true, resultLength: true },
      })
      if (rows.length === 0) break
      afterLine = rows.at(-1)!.line!
      for (const row of rows) {
        const raw = row.resultFileId ? await reader.read(await pathOf(row.resultFileId), row.resultOffset, row.resultLength) : null
        if (row.status === 'succeeded' && raw !== null) await output.write(raw)
        else await errors.write(raw ?? syntheticErrorLine(job.id, row))
      }
    }
    await Promise.all([output.finish(), errors.finish()])
  } catch (error) {
    await Promise.all([output.discard(), errors.discard()])
    throw error
  } finally {
    await reader.close()
  }
  const record = async (file: JsonlFile) => {
    if (file.bytes === 0) {
      await rm(file.final, { force: true })
      return null
    }
    const { size } = await stat(file.final)
    const created = await db.file.create({
      data: {
        id: newFileId(),
        filename: path.basename(file.final),
        purpose: 'batch_output',
        bytes: BigInt(size),
        storagePath: toStoragePath(file.final),
      },
    })
    return created.id
  }
  const [outputFileId, errorFileId] = [await record(output), await record(errors)]
  await db.job.update({ where: { id: job.id }, data: { outputFileId, errorFileId } })
}
