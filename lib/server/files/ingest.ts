import 'server-only'
import { rename, rm } from 'node:fs/promises'
import { isBatchLimitError, type ValidationReport } from '@/lib/jsonl'
import { db } from '@/lib/server/db'
import { Prisma } from '@/lib/server/db/generated/client'
import { queryRows } from '@/lib/server/db/prepared'
import { AppError } from '@/lib/server/http/errors'
import { newFileId } from '@/lib/server/ids'
import { countUploadBytes } from '@/lib/server/metrics'
import { ensureStorageDirs, fromStoragePath, storedFilePath, toStoragePath } from '@/lib/server/storage'
import { runInWorker } from '@/lib/server/workers/pool'
import type { FileRow } from './summary'

export type IngestOptions = {
  filename: string
  /**
   * Refuse a file with validation errors (the dashboard) instead of keeping it for the batch to fail (the /v1 API, like
   * OpenAI). A file whose only findings are one batch's limits is kept either way: it runs as a job.
   */
  rejectInvalid: boolean
  /** Offer an identical earlier upload instead of keeping a second copy. */
  reuseDuplicate: boolean
}

export type IngestResult = { file: FileRow; duplicate: boolean; report: ValidationReport }

/** The earliest stored input file with these exact bytes, if any. Asked twice by every upload: a prepared statement (lib/server/db/prepared.ts). */
export async function findStoredCopy(sha256: string): Promise<FileRow | null> {
  const [file = null] = await queryRows<FileRow>(
    Prisma.sql`SELECT f.* FROM "File" AS f WHERE f."sha256" = ${sha256} AND f."purpose" = 'batch' AND f."storagePath" IS NOT NULL ORDER BY f."createdAt" ASC, f."id" ASC LIMIT 1`,
  )
  return file
}

/** Reads a file once, streaming, in a worker thread: sha256 and the full validation in the same pass. */
export const inspectFile = (filePath: string): Promise<{ sha256: string; report: ValidationReport }> => runInWorker({ kind: 'inspect', path: filePath })

type StoredInput = { id: string; storagePath: string | null; validationErrorCount: number | null }

/**
 * The errors that stop a stored input file from running at all. Files stored before decision 050 counted one batch's
 * limits (too many requests, too large) among them, and the stored count alone cannot tell those from real errors (a
 * file stored since holds only real ones), so a file with any is checked again from disk by today's validator and the
 * answer stored: an old file over the limit is then free to run as a job, and one with real errors is refused as
 * before.
 */
export async function blockingErrorCount(file: StoredInput): Promise<number> {
  const stored = file.validationErrorCount ?? 0
  if (stored === 0 || !file.storagePath) return stored
  const { report } = await inspectFile(fromStoragePath(file.storagePath))
  if (report.blockingErrorCount !== stored) await db.file.update({ where: { id: file.id }, data: { validationErrorCount: report.blockingErrorCount } })
  return report.blockingErrorCount
}

/** What stops the file from running at all; one batch's limits are left out, since a job runs a file over them. */
export function describeInvalidFile(report: ValidationReport): string {
  const blocking = report.errors.filter((error) => !isBatchLimitError(error))
  const [first] = blocking
  // A file-level error alone (UTF-16, no requests) says all there is, and what to do.
  if (report.blockingErrorCount === 1 && first?.line === null) return first.message
  const where = first?.line ? `line ${first.line}: ` : ''
  const count = report.blockingErrorCount === 1 ? '1 error' : `${report.blockingErrorCount.toLocaleString('en-US')} errors`
  return `The file has ${count}${first ? ` (first, ${where}${first.message})` : ''}. Fix them and upload it again.`
}

/**
 * Turns a complete temporary file into a stored File: the server re-validates it (never trusting the
 * browser), then moves it into place, and only then writes the row, so a failure leaves no half-file behind.
 * The temporary file is always gone afterwards.
 */
export async function ingestFile(tempPath: string, options: IngestOptions): Promise<IngestResult> {
  try {
    const { sha256, report } = await inspectFile(tempPath)
    countUploadBytes(report.facts.bytes)
    if (options.rejectInvalid && report.blockingErrorCount > 0) {
      const first = report.errors.find((error) => !isBatchLimitError(error))
      throw new AppError(422, 'invalid_file', describeInvalidFile(report), { line: first?.line ?? undefined, param: first?.param ?? undefined })
    }
    if (options.reuseDuplicate) {
      const existing = await findStoredCopy(sha256)
      if (existing) return { file: existing, duplicate: true, report }
    }
    await ensureStorageDirs()
    const id = newFileId()
    const finalPath = storedFilePath(id)
    await rename(tempPath, finalPath)
    try {
      const { facts } = report
      const file = await db.file.create({
        data: {
          id,
          filename: options.filename,
          purpose: 'batch',
          bytes: BigInt(facts.bytes),
          sha256,
          storagePath: toStoragePath(finalPath),
          lineCount: facts.requestCount,
          endpoint: facts.endpoint,
          model: facts.model,
          estimatedInputTokens: facts.estimatedInputTokens === null ? null : BigInt(facts.estimatedInputTokens),
          outputTokenCapTotal: BigInt(facts.maxTokens.total),
          outputTokenCapMissing: facts.maxTokens.missing,
          // Only errors that stop any run: whether the file fits one batch depends on the connection it runs on.
          validationErrorCount: report.blockingErrorCount,
        },
      })
      return { file, duplicate: false, report }
    } catch (error) {
      await rm(finalPath, { force: true })
      throw error
    }
  } finally {
    await rm(tempPath, { force: true })
  }
}
