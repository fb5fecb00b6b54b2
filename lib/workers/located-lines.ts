// Node-only and free of 'server-only': the server's results code and the worker threads' tasks (a job's split) read
// input files with it.
import { open } from 'node:fs/promises'

export type LocatedLine = { index: number; offset: number; length: number; text: string }

const CHUNK_BYTES = 1 << 20

/**
 * The non-blank lines of a JSONL file with their byte offset and length (without the line ending), read 1 MiB at a
 * time: `index` counts non-blank lines from 0, the validator's request numbering. `from` resumes at a line start
 * already read (its byte offset and request index), e.g. where a job's splitting stopped.
 *
 * One buffer is read into over and over (grown only for a line longer than it), rather than a stream's fresh buffer a
 * chunk: those live outside the JavaScript heap until a collection that an allocation-light reader rarely triggers,
 * so reading a 1 GB input left hundreds of MB of RSS behind (issue 15's split, decision 062).
 */
export async function* readLocatedLines(
  filePath: string,
  from: { offset: number; index: number } = { offset: 0, index: 0 },
  chunkBytes = CHUNK_BYTES,
): AsyncGenerator<LocatedLine> {
  const file = await open(filePath, 'r')
  try {
    let buffer = Buffer.allocUnsafe(chunkBytes)
    // buffer[0, filled) holds unread bytes; buffer[0] is at byte `base` of the file.
    let filled = 0
    let base = from.offset
    let position = from.offset
    let index = from.index
    let first = from.offset === 0
    for (;;) {
      if (filled === buffer.length) {
        // A line longer than the buffer: grow it, keeping what is read.
        const larger = Buffer.allocUnsafe(buffer.length * 2)
        buffer.copy(larger, 0, 0, filled)
        buffer = larger
      }
      const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, position)
      if (bytesRead === 0) break
      position += bytesRead
      filled += bytesRead
      let start = 0
      if (first) {
        // The byte-order mark a UTF-8 file may start with is no part of its first line.
        if (filled < 3) continue
        first = false
        if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) start = 3
      }
      const read = buffer.subarray(0, filled)
      for (let newline = read.indexOf(10, start); newline !== -1; newline = read.indexOf(10, start)) {
        const end = newline > start && read[newline - 1] === 13 ? newline - 1 : newline
        const text = read.toString('utf8', start, end)
        if (text.trim() !== '') yield { index: index++, offset: base + start, length: end - start, text }
        start = newline + 1
      }
      buffer.copy(buffer, 0, start, filled)
      filled -= start
      base += start
    }
    // The last line, when the file does not end with a newline.
    const end = filled > 0 && buffer[filled - 1] === 13 ? filled - 1 : filled
    const text = buffer.toString('utf8', 0, end)
    if (text.trim() !== '') yield { index, offset: base, length: end, text }
  } finally {
    await file.close()
  }
}
