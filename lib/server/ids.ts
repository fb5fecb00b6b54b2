import 'server-only'
import { randomBytes } from 'node:crypto'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

function base62(length: number): string {
  // 248 = 62 * 4: rejecting bytes above it keeps every character equally likely.
  let out = ''
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62]
    }
  }
  return out
}

// Shaped like OpenAI's ids (file-2qvouj6sKUCGTbu3odouhk, batch_69c3c347…), so the /v1 API looks familiar.
export const newFileId = () => `file-${base62(24)}`
export const newBatchId = () => `batch_${randomBytes(16).toString('hex')}`
export const newUploadId = () => `upl_${base62(24)}`

export const newTemplateId = () => `tpl_${base62(24)}`
export const newJobId = () => `job_${base62(24)}`
export const newJobPartId = () => `jpart_${base62(24)}`
/** The key a job part's batch carries in its metadata, so a create whose answer was lost can be found. */
export const newSubmitKey = () => base62(24)
