// Node-only and free of 'server-only': the server's results code and the worker threads' tasks (a job's split) read
// input files with it.
import { createReadStream } from 'node:fs'

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
