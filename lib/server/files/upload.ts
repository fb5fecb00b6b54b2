import 'server-only'
import { mkdir, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { DEFAULT_MAX_BYTES } from '@/lib/jsonl'
import { formatBytes } from '@/lib/format'
import { db } from '@/lib/server/db'
import { AppError } from '@/lib/server/http/errors'
import { newUploadId } from '@/lib/server/ids'
import { storageDirs } from '@/lib/server/storage'
import { ingestFile } from './ingest'
import { toFileSummary } from './summary'
import type { FileSummary } from '@/lib/types'
import type { UploadChunkInput, UploadStartInput } from '@/lib/validations/files'

/** Small enough for one server-action request (see next.config.ts), large enough to keep requests few. */
export const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024
/** An upload nobody has touched for this long is abandoned; its temp data is swept. */
export const ABANDONED_UPLOAD_MS = 60 * 60 * 1000

type UploadMeta = { filename: string; bytes: number; startedAt: string }

const uploadDir = (uploadId: string) => path.join(storageDirs.uploads, uploadId)
const dataPath = (uploadId: string) => path.join(uploadDir(uploadId), 'data')

async function readMeta(uploadId: string): Promise<UploadMeta> {
  try {
    return JSON.parse(await readFile(path.join(uploadDir(uploadId), 'meta.json'), 'utf8')) as UploadMeta
  } catch {
    throw new AppError(404, 'upload_not_found', 'This upload no longer exists (it was cancelled, finished, or abandoned for over an hour). Start the upload again.', {
      param: 'uploadId',
    })
  }
}

export type UploadStart = { kind: 'existing'; file: FileSummary } | { kind: 'started'; uploadId: string; chunkBytes: number }

export async function startUpload(input: UploadStartInput): Promise<UploadStart> {
  if (input.bytes > DEFAULT_MAX_BYTES) {
    throw new AppError(413, 'file_too_large', `This file is ${formatBytes(input.bytes)}; a batch file may be at most ${formatBytes(DEFAULT_MAX_BYTES)}. Split it into several files.`, {
      param: 'bytes',
    })
  }
  // The browser hashed the file while validating it: an identical earlier upload needs no bytes sent.
  if (input.sha256) {
    const existing = await db.file.findFirst({ where: { sha256: input.sha256, purpose: 'batch', storagePath: { not: null } }, orderBy: { createdAt: 'asc' } })
    if (existing) return { kind: 'existing', file: toFileSummary(existing) }
  }
  const uploadId = newUploadId()
  await mkdir(uploadDir(uploadId), { recursive: true })
  await writeFile(dataPath(uploadId), '')
  const meta: UploadMeta = { filename: input.filename, bytes: input.bytes, startedAt: new Date().toISOString() }
  await writeFile(path.join(uploadDir(uploadId), 'meta.json'), JSON.stringify(meta))
  return { kind: 'started', uploadId, chunkBytes: UPLOAD_CHUNK_BYTES }
}

/**
 * Writes one chunk at its offset. Resending a chunk (after a lost response) overwrites it, so a retry
 * never duplicates bytes; a gap is refused.
 */
export async function appendUploadChunk(input: UploadChunkInput): Promise<{ received: number }> {
  const meta = await readMeta(input.uploadId)
  const { size } = await stat(dataPath(input.uploadId))
  if (input.offset > size) {
    throw new AppError(409, 'chunk_out_of_order', `The server has ${size} bytes of this upload; send the chunk at offset ${size} next.`, { param: 'offset' })
  }
  const end = input.offset + input.chunk.size
  if (end > meta.bytes) {
    throw new AppError(400, 'chunk_too_large', `This chunk ends at byte ${end}, past the ${meta.bytes} bytes announced for the file. Start the upload again.`, { param: 'chunk' })
  }
  const handle = await open(dataPath(input.uploadId), 'r+')
  try {
    await handle.write(new Uint8Array(await input.chunk.arrayBuffer()), 0, input.chunk.size, input.offset)
    await handle.truncate(end)
  } finally {
    await handle.close()
  }
  return { received: end }
}

export type UploadResult = { file: FileSummary; duplicate: boolean }

export async function completeUpload(uploadId: string): Promise<UploadResult> {
  const meta = await readMeta(uploadId)
  const { size } = await stat(dataPath(uploadId))
  if (size !== meta.bytes) {
    throw new AppError(409, 'upload_incomplete', `The server has ${size} of ${meta.bytes} bytes. Send the remaining chunks, then complete the upload.`, {
      param: 'uploadId',
    })
  }
  try {
    const { file, duplicate } = await ingestFile(dataPath(uploadId), { filename: meta.filename, rejectInvalid: true, reuseDuplicate: true })
    return { file: toFileSummary(file), duplicate }
  } finally {
    await rm(uploadDir(uploadId), { recursive: true, force: true })
  }
}

export async function abortUpload(uploadId: string): Promise<void> {
  await rm(uploadDir(uploadId), { recursive: true, force: true })
}

/** Removes temp data of uploads abandoned (or cut off by a crash) for longer than `olderThanMs`. */
export async function sweepUploads(olderThanMs = ABANDONED_UPLOAD_MS): Promise<number> {
  let entries: string[]
  try {
    entries = await readdir(storageDirs.uploads)
  } catch {
    return 0
  }
  let swept = 0
  for (const entry of entries) {
    const dir = path.join(storageDirs.uploads, entry)
    const { mtimeMs } = await stat(dir).catch(() => ({ mtimeMs: Date.now() }))
    // A chunk write updates the data file, not the directory, so look at the newest of the two.
    const dataMtime = (await stat(path.join(dir, 'data')).catch(() => null))?.mtimeMs ?? 0
    if (Date.now() - Math.max(mtimeMs, dataMtime) >= olderThanMs) {
      await rm(dir, { recursive: true, force: true })
      swept++
    }
  }
  return swept
}
