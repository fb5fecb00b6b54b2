import 'server-only'
import { createReadStream } from 'node:fs'

export type InputLine = { index: number; text: string }

/**
 * The requests of a stored input file, in order, streamed: `index` counts non-blank lines from 0, the same
 * numbering the validator uses for requests. Only validated files reach here, so blank lines are trailing ones.
 */
export async function* readInputLines(filePath: string): AsyncGenerator<InputLine> {
  let rest: Buffer = Buffer.alloc(0)
  let index = 0
  let first = true
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let buffer = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk
    if (first) {
      if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) buffer = buffer.subarray(3)
      first = false
    }
    let start = 0
    for (let newline = buffer.indexOf(10, start); newline !== -1; newline = buffer.indexOf(10, start)) {
      const text = buffer.toString('utf8', start, newline).replace(/\r$/, '')
      start = newline + 1
      if (text.trim() !== '') yield { index: index++, text }
    }
    rest = buffer.subarray(start)
  }
  const text = rest.toString('utf8').replace(/\r$/, '')
  if (text.trim() !== '') yield { index, text }
}
