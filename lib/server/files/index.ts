import 'server-only'
import { createReadStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { isTerminal } from '@/lib/batch'
import type { FileDetail, FilePreview, FileSummary, Page } from '@/lib/types'
import type { FileListQuery } from '@/lib/validations/files'
import { db } from '@/lib/server/db'
import { AppError, notFound } from '@/lib/server/http/errors'
import { fromStoragePath, readStoredFile } from '@/lib/server/storage'
import { storedFileFormat } from './format'
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
    lineFormat: file.purpose === 'batch' && file.storagePath ? await storedFileFormat(file.storagePath) : 'openai',
    batches: batches.map((batch) => ({
      id: batch.id,
      status: batch.status,
      description: batch.description,
      createdAt: batch.createdAt.toISOString(),
    })),
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

/**
 * `count` lines of a file from line `from` (1-based, as the validator numbers them), streamed: lines before the
 * window are only counted, never decoded or kept, so line 49,000 of a 200 MB file costs a read, not its memory.
 * At most PREVIEW_MAX_BYTES of line text come back; `truncated` says more of the file follows.
 */
export async function previewFile(fileId: string, window: { from: number; count: number }): Promise<FilePreview> {
  const file = await findFile(fileId)
  const lines: FilePreview['lines'] = []
  let kept = 0
  let number = 1
  let rest: Buffer = Buffer.alloc(0)
  let more = false
  const keep = (bytes: Buffer) => {
    let text = bytes.toString('utf8')
    if (number === 1) text = text.replace(/^\uFEFF/, '')
    lines.push({ line: number, text: text.replace(/\r$/, '') })
    kept += bytes.length
  }
  const full = () => lines.length >= window.count || kept >= PREVIEW_MAX_BYTES
  const stream = createReadStream(fromStoragePath(storedPathOf(file)), { highWaterMark: 1 << 20 })
  try {
    read: for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buffer = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk
      let start = 0
      for (let newline = buffer.indexOf(10); newline !== -1; newline = buffer.indexOf(10, start)) {
        if (full()) {
          more = true
          break read
        }
        if (number >= window.from) keep(buffer.subarray(start, newline))
        start = newline + 1
        number++
      }
      // A line is carried over only while it is still wanted; a skipped line's bytes are dropped as they pass.
      rest = number >= window.from ? buffer.subarray(start) : Buffer.alloc(0)
    }
    // A last line without a final newline is whole once the file has ended.
    if (!more && rest.length > 0) {
      if (full()) more = true
      else if (number >= window.from) keep(rest)
    }
  } finally {
    stream.destroy()
  }
  return { lines, truncated: more }
}

/** Deletes a file and its bytes; refused while a batch that has not finished still needs it. */
export async function deleteFile(fileId: string): Promise<{ id: string }> {
  const file = await findFile(fileId)
  const active = (await batchesUsing(fileId)).filter((batch) => !isTerminal(batch.status))
  if (active.length > 0) {
    throw new AppError(409, 'file_in_use', `Batch ${active[0]?.id} is still using this file. Wait for it to finish or cancel it, then delete the file.`, {
      param: 'fileId',
    })
  }
  const source = await db.sourceTable.findUnique({ where: { fileId }, select: { storagePath: true } })
  await db.file.delete({ where: { id: fileId } })
  if (file.storagePath) await rm(fromStoragePath(file.storagePath), { force: true })
  if (source) await rm(fromStoragePath(source.storagePath), { force: true })
  return { id: fileId }
}
