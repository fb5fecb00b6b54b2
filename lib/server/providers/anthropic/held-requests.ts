import 'server-only'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { createInterface } from 'node:readline'
import type { AnthropicBatchRequest } from '@/lib/providers/anthropic/translate'
import { downloadAside } from '@/lib/server/providers/files'
import { providerInputPath, storageDirs } from '@/lib/server/storage'

/** The id of translated requests kept for createBatch: Message Batches take the requests in the create call, not as a file. */
const INPUT_ID = /^anthropic-input-[0-9a-f-]{36}$/

export const isHeldInputId = (id: string) => INPUT_ID.test(id)

/**
 * Writes the requests `produce` hands over, one JSON line each, to the kept file of `inputId` (docs/decisions/046):
 * streamed through a .part file renamed only when `produce` succeeds, so a restart between upload and create finds
 * either every request or none. `produce` throws to refuse the file: nothing is kept.
 */
export async function holdRequests<T>(inputId: string, produce: (write: (json: string) => Promise<void>) => Promise<T>): Promise<T> {
  await mkdir(storageDirs.providerInputs, { recursive: true })
  let result: T | undefined
  await downloadAside(providerInputPath(inputId), async (partPath) => {
    const out = createWriteStream(partPath)
    try {
      result = await produce(async (json) => {
        if (!out.write(`${json}\n`)) await once(out, 'drain')
      })
      out.end()
      await finished(out)
    } finally {
      if (!out.closed) {
        // Refused part-way: the writes still buffered fail once destroyed, and the .part file goes anyway.
        out.on('error', () => {})
        out.destroy()
      }
    }
  })
  return result as T
}

/** The kept requests of `inputId`, or null when there are none (never uploaded, created already, or deleted). */
export async function readHeldRequests(inputId: string): Promise<AnthropicBatchRequest[] | null> {
  if (!isHeldInputId(inputId)) return null
  const requests: AnthropicBatchRequest[] = []
  const input = createReadStream(providerInputPath(inputId))
  try {
    await once(input, 'open')
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return null
    throw error
  }
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    // Written by holdRequests from translated requests only.
    if (line !== '') requests.push(JSON.parse(line) as AnthropicBatchRequest)
  }
  return requests
}

export const dropHeldRequests = (inputId: string) => (isHeldInputId(inputId) ? rm(providerInputPath(inputId), { force: true }) : Promise.resolve())
