import 'server-only'
import { randomBytes } from 'node:crypto'
import os from 'node:os'

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

// One random read per 256 ids instead of one per id: a busy batch makes two ids per line.
let randomPool = Buffer.alloc(0)
let randomOffset = 0

/** `bytes` random bytes as hex, for ids (not for secrets: keys and tokens take their own randomBytes). */
export function randomHex(bytes: number): string {
  if (randomOffset + bytes > randomPool.length) {
    randomPool = randomBytes(Math.max(4096, bytes))
    randomOffset = 0
  }
  randomOffset += bytes
  return randomPool.toString('hex', randomOffset - bytes, randomOffset)
}

// Shaped like OpenAI's ids (file-2qvouj6sKUCGTbu3odouhk, batch_69c3c347…, req_…, batch_req_…), so the /v1 API looks familiar.
export const newFileId = () => `file-${base62(24)}`
export const newBatchId = () => `batch_${randomHex(16)}`
export const newRequestId = () => `req_${randomHex(16)}`
export const newResultLineId = () => `batch_req_${randomHex(16)}`
export const newUploadId = () => `upl_${base62(24)}`

export const newTemplateId = () => `tpl_${base62(24)}`
export const newConnectionId = () => `conn_${randomHex(8)}`
export const newUpstreamId = () => `ups_${randomHex(8)}`
export const newApiKeyId = () => `key_${randomHex(8)}`
export const newCleanupNoteId = () => `rfc_${randomHex(8)}`

/** A unique name for a temporary file or folder: `<prefix>-<random>`. */
export const newTempName = (prefix: string) => `${prefix}-${randomHex(8)}`

/** Who holds an engine lease: `host:pid:random`, so a process can tell a lease left by a dead process on its own host. */
export const newLeaseOwner = () => `${os.hostname()}:${process.pid}:${randomHex(4)}`

export const newJobId = () => `job_${base62(24)}`
export const newJobPartId = () => `jpart_${base62(24)}`
/** The key a job part's batch carries in its metadata, so a create whose answer was lost can be found. */
export const newSubmitKey = () => base62(24)
