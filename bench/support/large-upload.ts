// One upload of a file on disk to the real app, through the same requests as the browser (lib/queries/files.ts,
// useUploadBatchFile): the startFileUpload action with the file's sha256, each chunk as the raw body of
// PUT /api/uploads/{uploadId}?offset=N (one after another), then the completeFileUpload action (the server
// re-validates and hashes the file from disk), with the server's peak RSS growth meanwhile. Used by the upload bench
// and the soak.
import { createHash } from 'node:crypto'
import { createReadStream, openAsBlob } from 'node:fs'
import path from 'node:path'
import type { ActionResult } from '@/lib/server/actions'
import type { UploadResult, UploadStart } from '@/lib/server/files/upload'
import type { AppServer } from './app-server'
import { procStatusBytes, trackPeakRss } from './memory'
import { callServerAction, type ServerActions } from './server-actions'

export type UploadAction = 'startFileUpload' | 'completeFileUpload'

export type LargeUpload = {
  seconds: number
  sendSeconds: number
  completeSeconds: number
  chunks: number
  bytes: number
  rssBefore: number
  /** RSS growth when the last chunk was stored, before completion. */
  rssAfterChunks: number
  /** Peak RSS growth of the `next start` process over `rssBefore`, from the first request to the stored file. */
  rssGrowth: number
}

function unwrap<T>(result: ActionResult<T>, what: string): T {
  if (!result.ok) throw new Error(`${what} failed: ${JSON.stringify(result.error)}`)
  return result.data
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) hash.update(chunk)
  return hash.digest('hex')
}

/** Uploads `file` (of `lines` lines) as the browser does; `cookie` where the app has auth on. */
export async function uploadLargeFile(
  server: AppServer,
  actions: ServerActions<UploadAction>,
  file: string,
  lines: number,
  cookie?: string,
): Promise<LargeUpload> {
  const call = <T>(action: UploadAction, args: unknown[]) =>
    callServerAction<ActionResult<T>>(server.baseUrl, actions.page, actions.ids[action], args, { cookie })
  // A file-backed Blob, like the browser's File: chunks are read from disk as they are sent.
  const blob = await openAsBlob(file)
  // The browser hashes the file while checking it, before the upload starts, and sends the hash along.
  const sha256 = await sha256Of(file)
  const memory = trackPeakRss(server.serverPid)
  const started = performance.now()
  const start = unwrap(await call<UploadStart>('startFileUpload', [{ filename: path.basename(file), bytes: blob.size, sha256 }]), 'startFileUpload')
  if (start.kind !== 'started') throw new Error('the server offered an earlier identical file; this needs a new one')
  let chunks = 0
  for (let offset = 0; offset < blob.size; offset += start.chunkBytes) {
    const response = await fetch(`${server.baseUrl}/api/uploads/${start.uploadId}?offset=${offset}`, {
      method: 'PUT',
      body: blob.slice(offset, offset + start.chunkBytes),
      headers: { 'content-type': 'application/octet-stream', ...(cookie ? { cookie } : {}) },
    })
    if (!response.ok) throw new Error(`chunk at ${offset} failed: ${response.status} ${await response.text()}`)
    chunks++
  }
  const sent = performance.now()
  const rssAfterChunks = (procStatusBytes(server.serverPid, 'VmRSS') ?? memory.before) - memory.before
  const { file: stored, duplicate } = unwrap(await call<UploadResult>('completeFileUpload', [{ uploadId: start.uploadId }]), 'completeFileUpload')
  const done = performance.now()
  const rssGrowth = memory.stop()
  if (duplicate || stored.bytes !== blob.size || stored.lineCount !== lines) {
    throw new Error(`the server stored something else than the file sent: ${JSON.stringify({ duplicate, stored })}`)
  }
  return {
    seconds: (done - started) / 1000,
    sendSeconds: (sent - started) / 1000,
    completeSeconds: (done - sent) / 1000,
    chunks,
    bytes: blob.size,
    rssBefore: memory.before,
    rssAfterChunks,
    rssGrowth,
  }
}
