import 'server-only'
import { rm } from 'node:fs/promises'
import { isTerminal, type BatchStatus } from '@/lib/batch'
import type { FileDetail, FilePreview, FileSummary, Page } from '@/lib/types'
import type { FileListQuery } from '@/lib/validations/files'
import { db } from '@/lib/server/db'
import { AppError, notFound } from '@/lib/server/http/errors'
import { fromStoragePath, readStoredFile } from '@/lib/server/storage'
import { includeBatchCount, toFileSummary } from './summary'

export async function listFiles(query: FileListQuery): Promise<Page<FileSummary>> {
  const where = { purpose: query.purpose }
  const [rows, total] = await Promise.all([
    db.file.findMany({
      where,
      include: includeBatchCount,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      ...(query.cursor ? { cursor: { id: query.cursor } } : {}),
    }),
    db.file.count({ where }),
  ])
  return {
    data: rows.slice(0, query.limit).map(toFileSummary),
    nextCursor: rows.length > query.limit ? (rows[query.limit]?.id ?? null) : null,
    total,
  }
}

async function findFile(fileId: string) {
  const file = await db.file.findUnique({ where: { id: fileId } })
  if (!file) throw notFound('file', fileId)
  return file
}

const batchesUsing = (fileId: string) =>
  db.batch.findMany({
    where: { OR: [{ inputFileId: fileId }, { outputFileId: fileId }, { errorFileId: fileId }] },
    select: { id: true, status: true, description: true, createdAt: true },
    orderBy: { createdAt: 'desc' },
  })

export async function getFile(fileId: string): Promise<FileDetail> {
  const file = await findFile(fileId)
  const batches = await batchesUsing(fileId)
  return {
    ...toFileSummary(file),
    batchCount: batches.length,
    sha256: file.sha256,
    estimatedInputTokens: file.estimatedInputTokens === null ? null : Number(file.estimatedInputTokens),
    outputTokenCapTotal: file.outputTokenCapTotal === null ? null : Number(file.outputTokenCapTotal),
    outputTokenCapMissing: file.outputTokenCapMissing,
    stored: file.storagePath !== null,
    batches: batches.map((batch) => ({ id: batch.id, status: batch.status as BatchStatus, description: batch.description, createdAt: batch.createdAt.toISOString() })),
  }
}

function storedPathOf(file: { id: string; storagePath: string | null }): string {
  if (!file.storagePath) {
    throw new AppError(409, 'file_not_local', `File ${file.id} is only on its provider; Batchboard has no copy of it yet.`, { param: 'id' })
  }
  return file.storagePath
}

/** The file's bytes as a download, streamed from disk. */
export async function downloadFile(fileId: string): Promise<Response> {
  const file = await findFile(fileId)
  const stream = readStoredFile(storedPathOf(file))
  return new Response(stream, {
    headers: {
      'content-type': 'application/jsonl; charset=utf-8',
      'content-length': String(file.bytes),
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
      'x-content-type-options': 'nosniff',
    },
  })
}

const PREVIEW_MAX_BYTES = 256 * 1024

/** The first lines of a file, read from the start of it only (never the whole file). */
export async function previewFile(fileId: string, lineCount: number): Promise<FilePreview> {
  const file = await findFile(fileId)
  const reader = readStoredFile(storedPathOf(file), { end: PREVIEW_MAX_BYTES - 1 }).getReader()
  const decoder = new TextDecoder()
  let text = ''
  let bytesRead = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    bytesRead += value.length
    text += decoder.decode(value, { stream: true })
    if (text.split('\n').length > lineCount + 1) break
  }
  await reader.cancel().catch(() => {})
  const reachedEnd = bytesRead >= Number(file.bytes)
  const all = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  // The last piece is the empty rest after a final newline, or a line the read cut off; only a last
  // line without a newline at the very end of the file is whole.
  const rest = all.pop()
  if (reachedEnd && rest) all.push(rest)
  return {
    lines: all.slice(0, lineCount).map((line, index) => ({ line: index + 1, text: line })),
    truncated: !reachedEnd || all.length > lineCount,
  }
}

/** Deletes a file and its bytes; refused while a batch that has not finished still needs it. */
export async function deleteFile(fileId: string): Promise<{ id: string }> {
  const file = await findFile(fileId)
  const active = (await batchesUsing(fileId)).filter((batch) => !isTerminal(batch.status as BatchStatus))
  if (active.length > 0) {
    throw new AppError(409, 'file_in_use', `Batch ${active[0]?.id} is still using this file. Wait for it to finish or cancel it, then delete the file.`, {
      param: 'fileId',
    })
  }
  await db.file.delete({ where: { id: fileId } })
  if (file.storagePath) await rm(fromStoragePath(file.storagePath), { force: true })
  return { id: fileId }
}
