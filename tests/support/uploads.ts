import { NextRequest } from 'next/server'
import { PUT as putUploadChunk } from '@/app/api/uploads/[uploadId]/route'
import { completeFileUpload, startFileUpload } from '@/lib/actions/files'
import type { ErrorBody } from '@/lib/errors'
import type { ActionResult } from '@/lib/server/actions'

export function unwrap<T>(result: ActionResult<T>): T {
  if (!result.ok) throw new Error(`action failed: ${JSON.stringify(result.error)}`)
  return result.data
}

/** Sends a chunk as the browser does: the raw bytes as the body of PUT /api/uploads/{uploadId}?offset=N. */
export async function uploadFileChunk(uploadId: string, offset: number, bytes: Uint8Array<ArrayBuffer>): Promise<ActionResult<{ received: number }>> {
  const request = new NextRequest(`http://127.0.0.1/api/uploads/${encodeURIComponent(uploadId)}?offset=${offset}`, { method: 'PUT', body: bytes })
  const response = await putUploadChunk(request, { params: Promise.resolve({ uploadId }) })
  const body = (await response.json()) as { received: number } | ErrorBody
  return 'error' in body ? { ok: false, error: body.error } : { ok: true, data: body }
}

/** Uploads the way the browser does: start, chunks of `chunkBytes`, complete. */
export async function upload(filename: string, text: string, chunkBytes = 1000) {
  const bytes = new TextEncoder().encode(text)
  const started = unwrap(await startFileUpload({ filename, bytes: bytes.length }))
  if (started.kind !== 'started') throw new Error('expected a new upload')
  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    unwrap(await uploadFileChunk(started.uploadId, offset, bytes.subarray(offset, offset + chunkBytes)))
  }
  return { uploadId: started.uploadId, result: await completeFileUpload({ uploadId: started.uploadId }) }
}
