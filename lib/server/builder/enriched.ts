import 'server-only'
import { randomUUID } from 'node:crypto'
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { isTerminal } from '@/lib/batch'
import { baseNameOf } from '@/lib/builder'
import { db } from '@/lib/server/db'
import { AppError, notFound } from '@/lib/server/http/errors'
import { fromStoragePath, storageDirs } from '@/lib/server/storage'
import { runInWorker } from '@/lib/server/workers/pool'

/** An export older than this is one a worker was writing when its process stopped: no export takes that long. */
export const ABANDONED_EXPORT_MS = 60 * 60 * 1000

/**
 * Removes the exports a stopped process left half-written (a finished one is gone as soon as its stream opens it).
 * By age, not all at start: on PostgreSQL other servers may share DATA_DIR and be writing one now.
 */
export async function sweepExports(olderThanMs = ABANDONED_EXPORT_MS): Promise<number> {
  const entries = await readdir(storageDirs.exports).catch(() => [])
  let swept = 0
  for (const entry of entries) {
    const file = path.join(storageDirs.exports, entry)
    const { mtimeMs } = await stat(file).catch(() => ({ mtimeMs: Date.now() }))
    if (Date.now() - mtimeMs < olderThanMs) continue
    await rm(file, { force: true })
    swept++
  }
  return swept
}

/**
 * The table a batch was built from, with its answers: every source column, then the answer (one column per
 * top-level field for structured output), status and error, in the table's row order. Reads the batch's own output
 * and error files. The file work is a worker-pool task that writes the CSV aside (decision 068); this thread only
 * finds the batch and streams the file.
 */
export async function exportEnrichedTable(batchId: string): Promise<Response> {
  const batch = await db.batch.findUnique({
    where: { id: batchId },
    select: {
      id: true,
      endpoint: true,
      status: true,
      inputFile: { select: { sourceTable: true } },
      outputFile: { select: { storagePath: true } },
      errorFile: { select: { storagePath: true } },
      remoteOutputFileId: true,
      remoteErrorFileId: true,
    },
  })
  if (!batch) throw notFound('batch', batchId)
  const source = batch.inputFile?.sourceTable
  if (!source) {
    throw new AppError(
      404,
      'no_source_table',
      "This batch's input file was not built from a table in Batchboard, so there is no table to add answers to. Download its output file instead.",
      {
        param: 'batchId',
      },
    )
  }
  const notLocal = (batch.remoteOutputFileId && !batch.outputFile?.storagePath) || (batch.remoteErrorFileId && !batch.errorFile?.storagePath)
  if (notLocal) {
    throw new AppError(409, 'results_not_local', "The batch's results are not in Batchboard yet. Try again once its output file shows on the batch page.", {
      param: 'batchId',
    })
  }

  // A line without a result either has not run yet, or never will (the batch ended without it).
  const noResult = isTerminal(batch.status) ? 'not_run' : 'pending'
  await mkdir(storageDirs.exports, { recursive: true })
  const outPath = path.join(storageDirs.exports, `${batch.id}-${randomUUID()}.csv`)
  await runInWorker({
    kind: 'enriched-table',
    endpoint: batch.endpoint,
    columns: source.columns as string[],
    answerFields: (source.answerFields as string[] | null) ?? null,
    sourcePath: fromStoragePath(source.storagePath),
    resultPaths: [batch.outputFile?.storagePath, batch.errorFile?.storagePath].map((storagePath) => (storagePath ? fromStoragePath(storagePath) : null)),
    noResult,
    outPath,
  })
  // The file goes as soon as it is open: the open handle still reads it, and nothing is left behind whether the
  // download ends, is cancelled or the process stops.
  const file = await open(outPath, 'r')
  await rm(outPath, { force: true })
  const stream = Readable.toWeb(file.createReadStream({ highWaterMark: 1 << 16 })) as ReadableStream<Uint8Array>
  const filename = `${baseNameOf(source.filename)}-${batch.id}-answers.csv`
  return new Response(stream, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
  })
}
