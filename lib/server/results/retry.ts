import 'server-only'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { once } from 'node:events'
import path from 'node:path'
import { finished } from 'node:stream/promises'
import { isTerminal } from '@/lib/batch'
import type { CreatedBatch } from '@/lib/types'
import { RETRYABLE_STATUSES, type RetryLinesInput } from '@/lib/validations/results'
import { createBatch } from '@/lib/server/batches'
import { db } from '@/lib/server/db'
import { ingestFile } from '@/lib/server/files/ingest'
import { AppError, notFound } from '@/lib/server/http/errors'
import { ensureStorageDirs, fromStoragePath, storageDirs } from '@/lib/server/storage'
import { readLocatedLines } from '@/lib/workers/located-lines'
import { newTempName } from '@/lib/server/ids'

/** Line numbers of the rows that did not succeed (after merging earlier retries), in file order. */
async function linesToRetry(batchId: string): Promise<number[]> {
  const rows = await db.resultRow.findMany({
    where: { batchId, status: { in: [...RETRYABLE_STATUSES] }, line: { not: null } },
    select: { line: true },
    orderBy: { line: 'asc' },
  })
  return rows.map((row) => row.line!)
}

/**
 * "Retry N lines": a new input file made of exactly the input lines that failed, expired, were cancelled or never
 * came back, stored like an upload, and a child batch on the same (or a chosen) connection. The parent's results then
 * show the latest success of each line.
 */
export async function retryFailedLines(input: RetryLinesInput): Promise<CreatedBatch & { lineCount: number }> {
  const batch = await db.batch.findUnique({ where: { id: input.batchId }, include: { resultIndex: true, inputFile: true } })
  if (!batch) throw notFound('batch', input.batchId)
  if (!isTerminal(batch.status))
    throw new AppError(409, 'batch_active', 'This batch is still running; retry its failed lines when it ends.', { param: 'batchId' })
  if (batch.resultIndex?.state !== 'ready')
    throw new AppError(409, 'not_indexed', 'The results are not indexed yet. Wait for the results table to load, then retry.', { param: 'batchId' })
  const inputFile = await db.file.findUnique({ where: { id: batch.resultIndex.inputFileId ?? '' } })
  if (!inputFile?.storagePath)
    throw new AppError(409, 'file_not_local', 'The input file is no longer in Batchboard, so its lines cannot be sent again.', { param: 'batchId' })
  const lines = new Set(await linesToRetry(batch.id))
  if (lines.size === 0) throw new AppError(409, 'nothing_to_retry', 'Every line of this batch succeeded; there is nothing to retry.', { param: 'batchId' })

  await ensureStorageDirs()
  const temp = path.join(storageDirs.uploads, `${newTempName('retry')}.jsonl`)
  const out = createWriteStream(temp)
  // A write error is reported by finished(); without a listener it would be an uncaught exception.
  out.on('error', () => {})
  try {
    for await (const line of readLocatedLines(fromStoragePath(inputFile.storagePath))) {
      if (!lines.has(line.index + 1)) continue
      if (out.errored) throw out.errored
      if (!out.write(`${line.text}\n`)) await once(out, 'drain')
    }
    out.end()
    await finished(out)
  } catch (error) {
    out.destroy()
    await finished(out).catch(() => {})
    await rm(temp, { force: true })
    throw error
  }
  const base = inputFile.filename.replace(/\.jsonl$/i, '')
  // ingestFile re-validates the lines and removes the temporary file whatever happens.
  const { file } = await ingestFile(temp, { filename: `${base}.retry-${lines.size}.jsonl`, rejectInvalid: true, reuseDuplicate: false })
  const description = `Retry of ${batch.description ?? batch.id}`.slice(0, 512)
  const created = await createBatch({
    connectionId: input.connectionId ?? batch.connectionId,
    fileId: file.id,
    completionWindow: batch.completionWindow,
    description,
    metadata: [],
    parentBatchId: batch.id,
  })
  return { ...created, lineCount: lines.size }
}
