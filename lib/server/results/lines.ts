import 'server-only'
import { createReadStream } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'

export type LocatedLine = { index: number; offset: number; length: number; text: string }

/**
 * The non-blank lines of a JSONL file with their byte offset and length (without the line ending), streamed in 1 MiB
 * chunks: `index` counts non-blank lines from 0, the validator's request numbering. `from` resumes at a line start
 * already read (its byte offset and request index), e.g. where a job's splitting stopped.
 */
export async function* readLocatedLines(filePath: string, from: { offset: number; index: number } = { offset: 0, index: 0 }): AsyncGenerator<LocatedLine> {
  let rest: Buffer = Buffer.alloc(0)
  // Byte position in the file of rest[0].
  let base = from.offset
  let index = from.index
  let first = from.offset === 0
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1 << 20, start: from.offset }) as AsyncIterable<Buffer>) {
    let buffer = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk
    if (first) {
      first = false
      if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) {
        buffer = buffer.subarray(3)
        base = 3
      }
    }
    let start = 0
    for (let newline = buffer.indexOf(10, start); newline !== -1; newline = buffer.indexOf(10, start)) {
      const end = newline > start && buffer[newline - 1] === 13 ? newline - 1 : newline
      const text = buffer.toString('utf8', start, end)
      if (text.trim() !== '') yield { index: index++, offset: base + start, length: end - start, text }
      start = newline + 1
    }
    base += start
    rest = buffer.subarray(start)
  }
  const end = rest.length > 0 && rest[rest.length - 1] === 13 ? rest.length - 1 : rest.length
  const text = rest.toString('utf8', 0, end)
  if (text.trim() !== '') yield { index, offset: base, length: end, text }
}

/** One line read by its byte offset: the row drawer never reads more of a file than the line itself. */
export async function readLineAt(filePath: string, offset: number, length: number): Promise<string> {
  const handle = await open(filePath, 'r')
  try {
    const buffer = Buffer.alloc(length)
    const { bytesRead } = await handle.read(buffer, 0, length, offset)
    return buffer.toString('utf8', 0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** Reads lines by byte offset from many files, keeping each file open until close(): exports read thousands. */
export class OffsetReader {
  private handles = new Map<string, Promise<FileHandle>>()

  async read(path: string | null | undefined, offset: number | bigint | null, length: number | bigint | null): Promise<string | null> {
    if (!path || offset === null || length === null) return null
    let handle = this.handles.get(path)
    if (!handle) this.handles.set(path, (handle = open(path, 'r')))
    const buffer = Buffer.alloc(Number(length))
    const { bytesRead } = await (await handle).read(buffer, 0, buffer.length, Number(offset))
    return buffer.toString('utf8', 0, bytesRead)
  }

  async close() {
    await Promise.allSettled([...this.handles.values()].map(async (handle) => (await handle).close()))
  }
}
