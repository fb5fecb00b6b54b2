import 'server-only'
import { createWriteStream } from 'node:fs'
import { mkdir, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { formatBytes } from '@/lib/format'
import { env } from '@/lib/server/env'
import { AppError } from '@/lib/server/http/errors'
import { newUploadId } from '@/lib/server/ids'
import { storageDirs } from '@/lib/server/storage'
import { findStoredCopy, ingestFile } from './ingest'
import { toFileSummary } from './summary'
import type { FileSummary } from '@/lib/types'
import type { UploadStartInput } from '@/lib/validations/files'

/** Large enough to keep requests few, small enough that a failed chunk costs little to resend. */
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
    throw new AppError(
      404,
      'upload_not_found',
      'This upload no longer exists (it was cancelled, finished, or abandoned for over an hour). Start the upload again.',
      {
        param: 'uploadId',
      },
    )
  }
}

export type UploadStart = { kind: 'existing'; file: FileSummary } | { kind: 'started'; uploadId: string; chunkBytes: number }

export async function startUpload(input: UploadStartInput): Promise<UploadStart> {
  if (input.bytes > env.maxUploadBytes) {
    throw new AppError(
      413,
      'file_too_large',
      `This file is ${formatBytes(input.bytes)}; this server takes uploads of at most ${formatBytes(env.maxUploadBytes)} (BATCHBOARD_MAX_UPLOAD_BYTES). Split it into several files, or ask whoever runs Batchboard to raise the cap.`,
      { param: 'bytes' },
    )
  }
  // The browser hashed the file while validating it: an identical earlier upload needs no bytes sent.
  if (input.sha256) {
    const existing = await findStoredCopy(input.sha256)
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
 * Streams one chunk's bytes to its offset in the upload's temp file. Resending a chunk (after a lost
 * response) overwrites it, so a retry never duplicates bytes; a gap is refused. The body is never held
 * in memory: a 2 GB upload costs the server one chunk's worth of buffers at most.
 */
export async function writeUploadChunk(uploadId: string, offset: number, body: ReadableStream<Uint8Array> | null): Promise<{ received: number }> {
  const meta = await readMeta(uploadId)
  const { size } = await stat(dataPath(uploadId))
  if (offset > size) {
    throw new AppError(409, 'chunk_out_of_order', `The server has ${size} bytes of this upload; send the chunk at offset ${size} next.`, { param: 'offset' })
  }
  if (!body) throw new AppError(400, 'empty_chunk', 'The chunk had no bytes. Send the file data as the request body.')
  const room = meta.bytes - offset
  let written = 0
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      written += chunk.length
      if (written > room) {
        done(
          new AppError(400, 'chunk_too_large', `This chunk goes past the ${meta.bytes} bytes announced for the file. Start the upload again.`, {
            param: 'offset',
          }),
        )
      } else done(null, chunk)
    },
  })
  try {
    await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), limit, createWriteStream(dataPath(uploadId), { flags: 'r+', start: offset }))
  } catch (error) {
    // A chunk cut off or refused half-way keeps none of its bytes: the client resends it whole.
    await truncate(dataPath(uploadId), offset)
    throw error
  }
  await truncate(dataPath(uploadId), offset + written)
  return { received: offset + written }
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
