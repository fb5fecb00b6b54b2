import 'server-only'
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { lineFormatOf, type LineFormat } from '@/lib/jsonl'
import { fromStoragePath } from '@/lib/server/storage'

// A stored file never changes, so its format is read once per process: the file detail route and every batch create
// ask for it. On globalThis: Next bundles routes and server actions apart, and each would keep its own copy.
const FORMATS_REMEMBERED = 1_000
const globalForFormats = globalThis as unknown as { batchboardFileFormats?: Map<string, LineFormat> }
const formats = (globalForFormats.batchboardFileFormats ??= new Map())

/**
 * The line format of a stored input file, read from its first request: the upload check refuses a file that mixes
 * formats (lib/jsonl/native.ts), so the first line speaks for the file. Unreadable JSON counts as OpenAI's.
 */
export async function storedFileFormat(storagePath: string): Promise<LineFormat> {
  const known = formats.get(storagePath)
  if (known) return known
  const format = await readFileFormat(storagePath)
  if (formats.size >= FORMATS_REMEMBERED) formats.clear()
  formats.set(storagePath, format)
  return format
}

async function readFileFormat(storagePath: string): Promise<LineFormat> {
  const lines = createInterface({ input: createReadStream(fromStoragePath(storagePath)), crlfDelay: Infinity })
  try {
    for await (const text of lines) {
      if (text.trim() === '') continue
      try {
        return lineFormatOf(JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text))
      } catch {
        return 'openai'
      }
    }
  } finally {
    lines.close()
  }
  return 'openai'
}
