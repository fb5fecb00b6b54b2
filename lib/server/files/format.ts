import 'server-only'
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { lineFormatOf, type LineFormat } from '@/lib/jsonl'
import { fromStoragePath } from '@/lib/server/storage'

/**
 * The line format of a stored input file, read from its first request: the upload check refuses a file that mixes
 * formats (lib/jsonl/native.ts), so the first line speaks for the file. Unreadable JSON counts as OpenAI's.
 */
export async function storedFileFormat(storagePath: string): Promise<LineFormat> {
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
